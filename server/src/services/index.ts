import actions from './registry/actions';
import chunks from './runs/chunks';
import contentTypes from './access/content-types';
import executor from './runs/executor';
import forms from './registry/forms';
import jobs from './runs/jobs';
import worker from './runs/worker';
import undo from './runs/undo';
import outputs from './runs/outputs';
import permissions from './access/permissions';
import runAccess from './access/run-access';
import runner from './runs/runner';
import runs from './runs/runs';
import schedule from './runs/schedule';
import selection from './access/selection';
import settings from './settings/settings';
import signals from './runs/signals';
import uploads from './uploads/uploads';

export default {
  actions,
  chunks,
  'content-types': contentTypes,
  executor,
  forms,
  jobs,
  worker,
  undo,
  outputs,
  permissions,
  'run-access': runAccess,
  runner,
  runs,
  schedule,
  selection,
  settings,
  signals,
  uploads,
};
