import { PLUGIN_ID } from '../pluginId';

/** Translation ids are namespaced by the plugin id, as Strapi's admin expects. */
export const getTranslation = (id: string) => `${PLUGIN_ID}.${id}`;

export const prefixPluginTranslations = (messages: Record<string, string>) =>
  Object.fromEntries(Object.entries(messages).map(([key, value]) => [getTranslation(key), value]));
