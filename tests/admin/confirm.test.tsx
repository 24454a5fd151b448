import * as React from 'react';
import { fireEvent, screen } from '@testing-library/react';
import { createIntl } from 'react-intl';
import { ConfirmBox } from '../../admin/src/components/modal/ConfirmBox';
import type { BulkActionFlow } from '../../admin/src/hooks/useBulkActionFlow';
import en from '../../admin/src/translations/en.json';
import fr from '../../admin/src/translations/fr.json';
import { confirmButtonLabel, describeChanges } from '../../admin/src/utils/confirm';
import { getTranslation, prefixPluginTranslations } from '../../admin/src/utils/getTranslation';
import type { FormField } from '../../server/src/contracts';
import { renderInAdmin } from './render';

const translator = (locale: 'en' | 'fr') => {
  const intl = createIntl({ locale, messages: prefixPluginTranslations(locale === 'en' ? en : fr), defaultLocale: 'en' });
  return (id: string, defaultMessage: string, values?: Record<string, string | number>) =>
    intl.formatMessage({ id: getTranslation(id), defaultMessage }, values);
};

const FORM: FormField[] = [
  {
    name: 'changes',
    label: 'Changes',
    type: 'changes',
    options: [
      { name: 'stage', type: 'enumeration', required: false, localized: true, enum: ['draft', 'review'] },
      { name: 'views', type: 'integer', required: false, localized: true },
      { name: 'tags', type: 'relation:manyToMany', required: false, localized: false, target: 'api::tag.tag' },
    ],
  },
];

describe('the confirmation names the change', () => {
  const t = translator('en');

  it.each([
    [[{ field: 'stage', op: 'set', value: 'review' }], 3, 'Set stage to “review” on 3 entries?'],
    [[{ field: 'stage', op: 'set', value: 'review' }], 1, 'Set stage to “review” on 1 entry?'],
    [[{ field: 'stage', op: 'clear' }], 2, 'Clear stage on 2 entries?'],
    [[{ field: 'views', op: 'increment', value: 2 }], 5, 'Increase views by 2 on 5 entries?'],
    [
      [
        { field: 'tags', op: 'add', value: ['a1'] },
        { field: 'views', op: 'increment', value: 2 },
      ],
      3,
      'Change 3 entries: add 1 item to tags, increase views by 2?',
    ],
    [[{ field: 'tags', op: 'set', value: ['a1', 'b2'] }], 4, 'Set tags to “2 items” on 4 entries?'],
  ])('%j on %i entries → %s', (changes, count, expected) => {
    expect(describeChanges(FORM, { changes }, count, t)).toBe(expected);
  });

  it('says that the live site changes when the change goes to the published versions too', () => {
    const form: FormField[] = [...FORM, { name: 'published', label: 'Apply to the published version too', type: 'boolean' }];
    const changes = [{ field: 'stage', op: 'set', value: 'review' }];
    expect(describeChanges(form, { changes, published: true }, 2, t)).toBe('Set stage to “review” on 2 entries? Published entries change on the live site too.');
    expect(describeChanges(form, { changes, published: false }, 2, t)).toBe('Set stage to “review” on 2 entries?');
    expect(describeChanges(form, { changes, published: true }, 1, translator('fr'))).toMatch(/Les entrées publiées changent aussi sur le site\.$/);
  });

  it('is left to the action’s own message while no change is complete', () => {
    expect(describeChanges(FORM, { changes: [{}] }, 3, t)).toBeNull();
    expect(describeChanges([], {}, 3, t)).toBeNull();
  });

  it('speaks French, with plurals', () => {
    const tFr = translator('fr');
    expect(describeChanges(FORM, { changes: [{ field: 'stage', op: 'set', value: 'review' }] }, 1, tFr)).toBe(
      'Définir stage à « review » sur 1 entrée ?'
    );
    expect(confirmButtonLabel({ name: 'delete', label: 'Delete' }, 2, tFr)).toBe('Supprimer 2 entrées');
  });

  it('names the action and the count on the confirm button', () => {
    expect(confirmButtonLabel({ name: 'delete', label: 'Delete' }, 2, t)).toBe('Delete 2 entries');
    expect(confirmButtonLabel({ name: 'update-field', label: 'Update a field' }, 1, t)).toBe('Update 1 entry');
    expect(confirmButtonLabel({ name: 'mark-reviewed', label: 'Mark as reviewed' }, 3, t)).toBe('Mark as reviewed: 3 entries');
  });
});

type Confirm = BulkActionFlow['confirm'];
const confirm = (overrides: Partial<Confirm> = {}): Confirm => ({
  count: 3,
  destructive: true,
  message: 'Delete 3 entries?',
  needsTypedCount: false,
  typedCount: '',
  setTypedCount: jest.fn(),
  revertible: true,
  sample: [
    { documentId: 'a', label: 'Article 001' },
    { documentId: 'b', label: 'Article 002' },
  ],
  ...overrides,
});

describe('the destructive confirmation step', () => {
  it('lists the first entries and how many more', () => {
    renderInAdmin(<ConfirmBox confirm={confirm()} listEntries />);
    const list = screen.getByTestId('bulk-actions-confirm-entries');
    expect(Array.from(list.querySelectorAll('li')).map((item) => item.textContent)).toEqual(['Article 001', 'Article 002', 'and 1 more entry']);
  });

  it('asks for the count over 1,000 entries, on that step only', () => {
    const setTypedCount = jest.fn();
    const big = confirm({ count: 1500, needsTypedCount: true, setTypedCount });
    const { unmount } = renderInAdmin(<ConfirmBox confirm={big} />);
    expect(screen.queryByRole('textbox')).toBeNull();
    unmount();
    renderInAdmin(<ConfirmBox confirm={big} listEntries />);
    expect(screen.getByText('and 1,498 more entries')).toBeTruthy();
    fireEvent.change(screen.getByLabelText(/Type 1,500 to confirm/), { target: { value: '1500' } });
    expect(setTypedCount).toHaveBeenCalledWith('1500');
  });
});
