import * as React from 'react';
import { fireEvent, screen } from '@testing-library/react';
import { ConfirmBox } from '../../admin/src/components/modal/ConfirmBox';
import { SelectionCounter } from '../../admin/src/components/modal/SelectionCounter';
import { RunStatusBadge } from '../../admin/src/components/RunStatusBadge';
import type { BulkActionFlow } from '../../admin/src/hooks/useBulkActionFlow';
import { renderInAdmin } from './render';

type Confirm = BulkActionFlow['confirm'];
type Selection = BulkActionFlow['selection'];

const confirm = (overrides: Partial<Confirm> = {}): Confirm => ({
  count: 3,
  destructive: false,
  message: 'Mark 3 articles as reviewed?',
  needsTypedCount: false,
  typedCount: '',
  setTypedCount: jest.fn(),
  revertible: true,
  sample: [],
  ...overrides,
});

const selection = (overrides: Partial<Selection>): Selection =>
  ({ allMatching: false, setAllMatching: jest.fn(), selectedCount: 10, matchingTotal: 42, pageFullySelected: true, ...overrides }) as Selection;

describe('the confirmation', () => {
  it('says what the run will do and that it can be undone', () => {
    renderInAdmin(<ConfirmBox confirm={confirm()} />);
    expect(screen.getByText('Mark 3 articles as reviewed?')).toBeTruthy();
    expect(screen.getByTestId('bulk-actions-undo-note').textContent).toBe('You can undo this run from the audit log.');
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('warns when the action cannot be undone, and asks for the count of a large destructive run', () => {
    const setTypedCount = jest.fn();
    renderInAdmin(
      <ConfirmBox listEntries confirm={confirm({ count: 1500, destructive: true, revertible: false, needsTypedCount: true, setTypedCount, message: 'Delete 1500 entries?' })} />
    );
    expect(screen.getByTestId('bulk-actions-undo-note').textContent).toBe('This cannot be undone.');
    const input = screen.getByLabelText(/Type 1,500 to confirm/);
    fireEvent.change(input, { target: { value: '1500' } });
    expect(setTypedCount).toHaveBeenCalledWith('1500');
  });
});

describe('the selection counter', () => {
  it('offers every matching entry when the whole page is ticked, and switches to it', () => {
    const setAllMatching = jest.fn();
    renderInAdmin(<SelectionCounter selection={selection({ setAllMatching })} />);
    expect(screen.getByText('10 entries selected')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Select all 42 matching entries' }));
    expect(setAllMatching).toHaveBeenCalledWith(true);
  });

  it('offers nothing more when only part of the page is ticked', () => {
    renderInAdmin(<SelectionCounter selection={selection({ pageFullySelected: false, selectedCount: 1 })} />);
    expect(screen.getByText('1 entry selected')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says when every matching entry is selected, and goes back to the page', () => {
    const setAllMatching = jest.fn();
    renderInAdmin(<SelectionCounter selection={selection({ allMatching: true, setAllMatching })} />);
    expect(screen.getByText('All 42 entries matching the list’s filters are selected')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Select only the 10 entries of this page' }));
    expect(setAllMatching).toHaveBeenCalledWith(false);
  });
});

describe('the run status badge', () => {
  it.each([
    ['succeeded', 'Succeeded'],
    ['partial', 'Partly done'],
    ['failed', 'Failed'],
  ] as const)('names %s as the audit log does', (status, label) => {
    renderInAdmin(<RunStatusBadge status={status} />);
    expect(screen.getByText(label)).toBeTruthy();
  });
});
