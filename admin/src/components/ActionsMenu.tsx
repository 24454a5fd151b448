import { createPortal } from 'react-dom';
import { Menu } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import type { ActionSummary } from '../../../server/src/contracts';
import { useT } from '../hooks/useT';
import { isDestructive } from '../utils/actions';

export interface ActionsMenuProps {
  actions: ActionSummary[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onChoose: (name: string) => void;
  /** where the menu hangs from: the bulk-bar button's box */
  anchorRect?: DOMRect | null;
  /** focus after the menu closed without a choice */
  onCloseAutoFocus?: (event: Event) => void;
}

/**
 * The enabled actions as a design-system menu (arrows, Enter, Escape; destructive ones in red).
 * Radix positions a menu under its trigger: an invisible one is laid over the bulk-bar button, which
 * stays the control the editor sees and focuses.
 */
export const ActionsMenu = ({ actions, open, onOpenChange, onChoose, anchorRect, onCloseAutoFocus }: ActionsMenuProps) => {
  const { t } = useT();
  const label = t('bulk.menu', 'Bulk actions');
  return (
    <Menu.Root open={open} onOpenChange={onOpenChange}>
      {createPortal(
        <div
          aria-hidden
          style={{
            position: 'fixed',
            top: anchorRect?.top ?? 0,
            left: anchorRect?.left ?? 0,
            width: anchorRect?.width ?? 0,
            height: anchorRect?.height ?? 0,
            opacity: 0,
            pointerEvents: 'none',
            overflow: 'hidden',
          }}
        >
          <Menu.Trigger tabIndex={-1} label={label} />
        </div>,
        document.body
      )}
      <Menu.Content popoverPlacement="bottom-start" aria-label={label} onCloseAutoFocus={onCloseAutoFocus} data-testid="bulk-actions-menu">
        {actions.map((action) => {
          const destructive = isDestructive(action);
          return (
            <Menu.Item
              key={action.name}
              variant={destructive ? 'danger' : 'default'}
              startIcon={destructive ? <WarningCircle aria-hidden /> : undefined}
              onSelect={() => onChoose(action.name)}
            >
              {action.label}
            </Menu.Item>
          );
        })}
      </Menu.Content>
    </Menu.Root>
  );
};

