import { PLUGIN_PERMISSIONS } from '../constants';

/**
 * Admin routes (mounted under /bulk-actions). Every route needs an authenticated admin and an RBAC
 * permission; action routes then check the action's own permissions per content type and per record.
 */
const guarded = (actions: string[]) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions } }],
});

const authenticated = { policies: ['admin::isAuthenticatedAdmin'] };

/** Acting on a content type starts with being allowed to read it in the Content Manager (subject from the URL). */
const contentTypeRead = {
  policies: ['admin::isAuthenticatedAdmin', 'plugin::bulk-actions.can-read-content-type'],
};

export default {
  admin: {
    type: 'admin',
    routes: [
      // No content is exposed: the answer is limited to the content types the user may read.
      { method: 'GET', path: '/info', handler: 'info.get', config: authenticated },
      { method: 'GET', path: '/content-types/:uid/actions', handler: 'actions.list', config: contentTypeRead },
      {
        method: 'GET',
        path: '/content-types/:uid/available-actions',
        handler: 'actions.available',
        config: guarded([PLUGIN_PERMISSIONS.settingsRead]),
      },
      { method: 'POST', path: '/content-types/:uid/actions/:name/preview', handler: 'actions.preview', config: contentTypeRead },
      { method: 'POST', path: '/content-types/:uid/actions/:name/preview/report', handler: 'actions.report', config: contentTypeRead },
      { method: 'POST', path: '/content-types/:uid/actions/:name/run', handler: 'actions.run', config: contentTypeRead },
      { method: 'POST', path: '/content-types/:uid/actions/:name/hints', handler: 'actions.hints', config: contentTypeRead },
      { method: 'GET', path: '/runs', handler: 'runs.find', config: guarded([PLUGIN_PERMISSIONS.runsRead]) },
      // a run's owner may read it without runs.read: the controller checks owner-or-runs.read
      { method: 'GET', path: '/runs/:id', handler: 'runs.findOne', config: authenticated },
      { method: 'GET', path: '/runs/:id/failures', handler: 'runs.failures', config: authenticated },
      { method: 'GET', path: '/runs/:id/entries', handler: 'runs.entries', config: authenticated },
      { method: 'GET', path: '/runs/:id/download', handler: 'runs.download', config: authenticated },
      { method: 'POST', path: '/runs/:id/cancel', handler: 'runs.cancel', config: authenticated },
      { method: 'POST', path: '/runs/:id/run-now', handler: 'runs.runNow', config: authenticated },
      { method: 'POST', path: '/runs/:id/retry', handler: 'runs.retry', config: authenticated },
      { method: 'POST', path: '/runs/:id/revert', handler: 'runs.revert', config: authenticated },
      // an upload is its owner's: the service answers 404 to anyone else
      { method: 'POST', path: '/uploads', handler: 'uploads.create', config: authenticated },
      { method: 'DELETE', path: '/uploads/:id', handler: 'uploads.delete', config: authenticated },
      { method: 'GET', path: '/settings', handler: 'settings.get', config: guarded([PLUGIN_PERMISSIONS.settingsRead]) },
      { method: 'PUT', path: '/settings', handler: 'settings.update', config: guarded([PLUGIN_PERMISSIONS.settingsUpdate]) },
    ],
  },
};
