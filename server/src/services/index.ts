import actions from './actions';
import chunks from './chunks';
import contentTypes from './content-types';
import executor from './executor';
import forms from './forms';
import jobs from './jobs';
import outputs from './outputs';
import permissions from './permissions';
import runAccess from './run-access';
import runner from './runner';
import runs from './runs';
import selection from './selection';
import settings from './settings';
import signals from './signals';

export default {
  actions,
  chunks,
  'content-types': contentTypes,
  executor,
  forms,
  jobs,
  outputs,
  permissions,
  'run-access': runAccess,
  runner,
  runs,
  selection,
  settings,
  signals,
};
