import * as React from 'react';

/**
 * "Every entry matching the list's filters" instead of the ticked rows: chosen in the bulk bar or in
 * the modal, read by both. Keyed by content type and list query, so another filter, search or locale
 * starts again from the ticked rows.
 */
let current: string | null = null;
const listeners = new Set<() => void>();

const set = (key: string | null) => {
  if (current === key) return;
  current = key;
  listeners.forEach((listener) => listener());
};

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};

export const useAllMatching = (key: string) => {
  const active = React.useSyncExternalStore(subscribe, () => current === key);
  const setAllMatching = React.useCallback((on: boolean) => set(on ? key : null), [key]);
  return [active, setAllMatching] as const;
};
