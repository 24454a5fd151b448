// The playground's admin panel: French next to English, to show the plugin's fr translations.
export default {
  config: { locales: ['fr'] },
  bootstrap() {},
};
