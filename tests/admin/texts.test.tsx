import * as React from 'react';
import { screen } from '@testing-library/react';
import { useIntl } from 'react-intl';
import { renderInAdmin } from './render';
import { confirmText, useBulkActions } from '../../admin/src/hooks/useActions';
import { useRunFormat } from '../../admin/src/hooks/useRunFormat';
import type { ActionSummary, Run } from '../../server/src/contracts';

const ACTIONS: ActionSummary[] = [
  {
    name: 'update-field',
    label: 'Update a field',
    description: 'Changes one or more fields',
    mode: 'query',
    destructive: false,
    revertible: true,
    previews: true,
    form: [{ name: 'changes', type: 'changes', label: 'Changes', messages: { label: 'bulk-actions.actions.update-field.fields.changes.label' } }],
    confirm: { message: 'Change this field on {count, plural, one {# entry} other {# entries}}?', destructive: false },
    reasons: {},
    messages: {
      label: 'bulk-actions.actions.update-field.label',
      description: 'bulk-actions.actions.update-field.description',
      confirm: 'bulk-actions.actions.update-field.confirm',
    },
  },
  {
    name: 'mark-reviewed',
    label: 'Mark as reviewed',
    description: null,
    mode: 'query',
    destructive: false,
    revertible: false,
    previews: false,
    form: [],
    confirm: { message: 'Mark {count, plural, one {# article} other {# articles}} as reviewed?', destructive: false },
    reasons: { 'already-reviewed': 'already reviewed', locked: 'locked by an editor' },
    messages: { label: 'my-app.mark-reviewed.label', confirm: 'my-app.mark-reviewed.confirm', reasons: { 'already-reviewed': 'my-app.mark-reviewed.already-reviewed' } },
  },
  {
    name: 'run-now',
    label: 'Run now',
    description: null,
    mode: 'documents',
    destructive: false,
    revertible: false,
    previews: false,
    form: [],
    confirm: { message: 'Run {count} extractions now?', destructive: false },
    reasons: {},
    messages: {},
  },
];

jest.mock('../../admin/src/api', () => ({
  useGetBulkActionsQuery: () => ({ data: { actions: ACTIONS, replacesBuiltIns: [] }, isLoading: false, isFetching: false }),
  useGetAvailableActionsQuery: () => ({ data: undefined }),
}));

const PROJECT_FR = {
  'my-app.mark-reviewed.label': 'Marquer comme relu',
  'my-app.mark-reviewed.confirm': 'Marquer {count, plural, one {# article} other {# articles}} comme relus ?',
  'my-app.mark-reviewed.done': '{count, plural, one {# article marqué} other {# articles marqués}} comme relus',
  'my-app.mark-reviewed.already-reviewed': 'déjà relu',
};

const Actions = ({ count }: { count: number }) => {
  const intl = useIntl();
  const actions = useBulkActions('api::article.article').data?.actions ?? [];
  return (
    <ul>
      {actions.map((action) => (
        <li key={action.name} data-testid={action.name}>
          {[action.label, action.description, ...action.form.map((field) => field.label), confirmText(intl, action, count)].filter(Boolean).join(' | ')}
        </li>
      ))}
    </ul>
  );
};

const run = (overrides: Partial<Run>): Run =>
  ({
    id: 1, action: 'update-field', contentType: 'api::article.article', locale: null, userId: 1, userName: 'Editor',
    selectionKind: 'documentIds', total: 3, processed: 3, succeeded: 1, skipped: 2, failed: 0,
    skippedReasons: { forbidden: 2 }, status: 'partial', params: null, message: null, notes: [], failures: [],
    startedAt: '2026-12-01T10:00:00.000Z', runAt: null, finishedAt: '2026-12-01T10:00:01.000Z', durationMs: 1000,
    idempotencyKey: null, download: null, undo: { available: false, reason: 'not-revertible', expiresAt: null, purgedAt: null },
    revertOf: null, revertedBy: null, ...overrides,
  }) as Run;

const Summary = ({ value }: { value: Run }) => <p data-testid="summary">{useRunFormat().summary(value)}</p>;

describe('texts in the editor’s language', () => {
  it('shows built-in and project action texts in French, with plurals, and English where no translation exists', () => {
    renderInAdmin(<Actions count={1} />, { locale: 'fr', extra: PROJECT_FR });
    expect(screen.getByTestId('update-field').textContent).toBe(
      'Modifier un champ | Modifie un ou plusieurs champs de chaque entrée sélectionnée : définir, vider, ou une opération selon le type (ajouter du texte, incrémenter, inverser, ajouter une relation…). | Modifications | Modifier ce champ sur 1 entrée ?'
    );
    expect(screen.getByTestId('mark-reviewed').textContent).toBe('Marquer comme relu | Marquer 1 article comme relus ?');
    // no translation ids: the English texts as declared ({count} still filled in)
    expect(screen.getByTestId('run-now').textContent).toBe('Run now | Run 1 extractions now?');
  });

  it('says one entry and several entries in English', () => {
    renderInAdmin(<Actions count={2} />);
    expect(screen.getByTestId('update-field').textContent).toContain('Change this field on 2 entries?');
    expect(screen.getByTestId('mark-reviewed').textContent).toBe('Mark as reviewed | Mark 2 articles as reviewed?');
  });

  it('formats a run’s sentences from their ids and values, not the server’s English', () => {
    const notes: Run['notes'] = [{ level: 'info', text: 'title set on 1 entry', id: 'bulk-actions.message.update-field.done', values: { fields: 'title', verb: 'set', count: 1 } }];
    renderInAdmin(<Summary value={run({ notes })} />, { locale: 'fr' });
    expect(screen.getByTestId('summary').textContent).toBe('title défini sur 1 entrée · 2 ignorées : pas d’autorisation');
  });

  it('formats a project action’s sentence with its own translation, and errors with a translated prefix', () => {
    const notes: Run['notes'] = [
      { level: 'error', text: 'The action “update-field” is no longer enabled for api::article.article', id: 'bulk-actions.message.scheduled.disabled', values: { action: 'update-field', contentType: 'api::article.article' } },
      { level: 'info', text: '3 articles marked as reviewed', id: 'my-app.mark-reviewed.done', values: { count: 3 } },
    ];
    renderInAdmin(<Summary value={run({ notes, succeeded: 3, skipped: 0, skippedReasons: {}, status: 'failed' })} />, { locale: 'fr', extra: PROJECT_FR });
    expect(screen.getByTestId('summary').textContent).toBe('3 articles marqués comme relus · Erreur : L’action « update-field » n’est plus activée pour api::article.article');
  });

  it('names an action’s own skip reasons by their text, translated where the action gives an id, never by the code', () => {
    const Reasons = () => {
      const format = useRunFormat();
      const reasons = useBulkActions('api::article.article').data?.actions.find((action) => action.name === 'mark-reviewed')?.reasons;
      const value = run({ action: 'mark-reviewed', succeeded: 1, skipped: 3, skippedReasons: { 'already-reviewed': 2, locked: 1 } });
      return <p data-testid="summary">{format.summary(value, reasons)}</p>;
    };
    renderInAdmin(<Reasons />, { locale: 'fr', extra: PROJECT_FR });
    expect(screen.getByTestId('summary').textContent).toBe('1 entrée faite · 3 ignorées : 2 déjà relu, 1 locked by an editor');
  });

  it('reads runs recorded before notes from their English message', () => {
    renderInAdmin(<Summary value={run({ message: 'title set on 1 entry\nwarning: not written: x\n1 entry done · 2 skipped: forbidden' })} />);
    expect(screen.getByTestId('summary').textContent).toBe('title set on 1 entry · 2 skipped: no permission');
  });
});
