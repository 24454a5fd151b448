import type { StrapiApp } from '@strapi/strapi/admin';
import { ActiveRuns } from './components/ActiveRuns';
import { BulkActionsButton } from './components/BulkActionsButton';
import { replaceableBuiltIn } from './components/ReplaceableBuiltIn';
import { SelectAllMatchingButton } from './components/SelectAllMatchingButton';
import { PERMISSIONS, RUNS_PATH, SETTINGS_PATH } from './constants';
import { PLUGIN_ID } from './pluginId';
import type { ContentManagerApis } from './types';
import { getTranslation, prefixPluginTranslations } from './utils/getTranslation';

export default {
  register(app: StrapiApp) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'Bulk actions' });

    app.addSettingsLink('global', {
      id: `${PLUGIN_ID}-settings`,
      to: SETTINGS_PATH,
      intlLabel: { id: getTranslation('settings.link'), defaultMessage: 'Bulk actions' },
      permissions: PERMISSIONS.settingsRead,
      Component: () => import('./pages/SettingsPage').then((mod) => ({ default: mod.ProtectedSettingsPage })),
    });

    app.addSettingsLink('global', {
      id: `${PLUGIN_ID}-runs`,
      to: RUNS_PATH,
      intlLabel: { id: getTranslation('runs.link'), defaultMessage: 'Bulk actions audit log' },
      permissions: PERMISSIONS.runsRead,
      Component: () => import('./pages/RunsPage').then((mod) => ({ default: mod.RunsPage })),
    });
  },

  bootstrap(app: StrapiApp) {
    const contentManager = app.getPlugin('content-manager');
    // Fixed components: the Content Manager tracks bulk actions by identity. Strapi's Publish,
    // Unpublish and Delete step aside where a content type's settings let the plugin's stand in.
    (contentManager.apis as unknown as ContentManagerApis).addBulkAction((actions) => [
      ...actions.map(replaceableBuiltIn),
      SelectAllMatchingButton,
      BulkActionsButton,
    ]);
    // Progress of background runs, above the list, outliving the modal and the selection.
    contentManager.injectComponent('listView', 'actions', { name: `${PLUGIN_ID}-active-runs`, Component: ActiveRuns });
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: messages } = await import(`./translations/${locale}.json`);
          return { data: prefixPluginTranslations(messages), locale };
        } catch {
          // Locales without a file fall back to English in the admin.
          return { data: {}, locale };
        }
      })
    );
  },
};
