import actions from './actions';
import contentTypes from './content-types';
import forms from './forms';
import permissions from './permissions';
import runner from './runner';
import runs from './runs';
import selection from './selection';
import settings from './settings';
import signals from './signals';

export default {
  actions,
  'content-types': contentTypes,
  forms,
  permissions,
  runner,
  runs,
  selection,
  settings,
  signals,
};
