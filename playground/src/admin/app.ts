// The playground's admin panel: French next to English, to show the plugin's fr translations, and
// the French texts of the playground's own action (its English texts are in src/bulk-actions.ts).
export default {
  config: {
    locales: ['fr'],
    translations: {
      fr: {
        'playground.mark-reviewed.label': 'Marquer comme relu',
        'playground.mark-reviewed.description': 'Passe les articles sélectionnés à l’étape de relecture.',
        'playground.mark-reviewed.confirm': 'Marquer {count, plural, one {# article} other {# articles}} comme relus ?',
        'playground.mark-reviewed.done': '{count, plural, one {# article marqué} other {# articles marqués}} comme relus',
      },
    },
  },
  bootstrap() {},
};
