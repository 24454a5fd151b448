import * as React from 'react';
import { Modal } from '@strapi/design-system';
import { More } from '@strapi/icons';
import { useBulkActions } from '../hooks/useActions';
import { useT } from '../hooks/useT';
import { ActionsMenu } from './ActionsMenu';
import { BulkActionsModal } from './BulkActionsModal';

/**
 * Which bulk-bar button opened the menu. The Content Manager renders a bulk action as a plain button
 * and owns it; the menu and the modal are ours, so the button's click hands its element over here.
 */
export interface MenuOpener {
  open: (anchor: HTMLElement) => void;
  subscribe: (listener: () => void) => () => void;
  anchor: () => HTMLElement | null;
}

export const createMenuOpener = (): MenuOpener => {
  let anchor: HTMLElement | null = null;
  const listeners = new Set<() => void>();
  return {
    open: (element) => {
      anchor = element;
      listeners.forEach((listener) => listener());
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    anchor: () => anchor,
  };
};

/**
 * Rendered inside the bulk-bar button (as its icon), so it sits in the list view's React tree: the
 * modal reads the table's selection from there. The menu and the modal render in portals; their
 * clicks still bubble through React to the button, which ignores clicks from outside its own box.
 */
export const BulkActionsMenu = ({ model, opener }: { model: string; opener: MenuOpener }) => {
  const { t } = useT();
  const actions = useBulkActions(model).data?.actions ?? [];
  const [menuOpen, setMenuOpen] = React.useState(false);
  const [chosen, setChosen] = React.useState<string | null>(null);
  const [anchorRect, setAnchorRect] = React.useState<DOMRect | null>(null);
  const modalOpen = chosen !== null;
  const modalOpenRef = React.useRef(false);
  modalOpenRef.current = modalOpen;

  React.useEffect(
    () =>
      opener.subscribe(() => {
        const anchor = opener.anchor();
        if (!anchor) return;
        anchor.setAttribute('aria-haspopup', 'menu');
        setAnchorRect(anchor.getBoundingClientRect());
        setMenuOpen(true);
      }),
    [opener]
  );

  React.useEffect(() => {
    opener.anchor()?.setAttribute('aria-expanded', String(menuOpen));
  }, [menuOpen, opener]);

  const choose = (name: string) => {
    setMenuOpen(false);
    setChosen(name);
  };
  const closeModal = () => setChosen(null);

  return (
    <>
      <More aria-hidden />
      <ActionsMenu
        actions={actions}
        open={menuOpen}
        onOpenChange={setMenuOpen}
        onChoose={choose}
        anchorRect={anchorRect}
        onCloseAutoFocus={(event) => {
          // back to the bulk-bar button, not the invisible trigger; a chosen action's modal takes the focus itself
          event.preventDefault();
          if (!modalOpenRef.current) opener.anchor()?.focus();
        }}
      />
      <Modal.Root open={modalOpen} onOpenChange={(open) => (open ? undefined : closeModal())}>
        <Modal.Content>
          <Modal.Header>
            <Modal.Title>{t('modal.title', 'Bulk actions')}</Modal.Title>
          </Modal.Header>
          {chosen !== null ? (
            <BulkActionsModal model={model} onClose={closeModal} initialAction={chosen} opener={opener.anchor()} />
          ) : null}
        </Modal.Content>
      </Modal.Root>
    </>
  );
};
