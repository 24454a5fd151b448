import type { StrapiApp } from '@strapi/strapi/admin';
import { PLUGIN_ID } from './pluginId';
import { prefixPluginTranslations } from './utils/getTranslation';

export default {
  register(app: StrapiApp) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'Bulk actions' });
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
