import * as React from 'react';
import { fireEvent, screen } from '@testing-library/react';
import { ActionsMenu } from '../../admin/src/components/ActionsMenu';
import type { ActionSummary } from '../../server/src/contracts';
import { renderInAdmin } from './render';

const action = (name: string, label: string, overrides: Partial<ActionSummary> = {}): ActionSummary => ({
  name,
  label,
  description: null,
  mode: 'documents',
  destructive: false,
  revertible: true,
  previews: false,
  form: [],
  confirm: { message: null, destructive: false },
  reasons: {},
  messages: {},
  ...overrides,
});

const ACTIONS = [action('update-field', 'Update a field'), action('delete', 'Delete', { destructive: true, revertible: false })];

const Harness = ({ onChoose }: { onChoose: (name: string) => void }) => {
  const [open, setOpen] = React.useState(true);
  return <ActionsMenu actions={ACTIONS} open={open} onOpenChange={setOpen} onChoose={onChoose} />;
};

describe('the bulk bar’s menu', () => {
  it('lists the enabled actions, the destructive ones marked, and picks one with the keyboard', () => {
    const onChoose = jest.fn();
    renderInAdmin(<Harness onChoose={onChoose} />);
    const items = screen.getAllByRole('menuitem');
    expect(items.map((item) => item.textContent)).toEqual(['Update a field', 'Delete']);
    // the destructive one carries the warning icon (and the design system's danger colour)
    expect(items[1].querySelector('svg')).not.toBeNull();
    expect(items[0].querySelector('svg')).toBeNull();
    fireEvent.keyDown(items[1], { key: 'Enter' });
    expect(onChoose).toHaveBeenCalledWith('delete');
  });

  it('closes on Escape without choosing', () => {
    const onChoose = jest.fn();
    renderInAdmin(<Harness onChoose={onChoose} />);
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(onChoose).not.toHaveBeenCalled();
  });
});
