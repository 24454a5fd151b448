import * as React from 'react';

/**
 * Background runs (answered `queued`/`running`) the editor started in this browser tab. Kept outside
 * React so progress survives the modal closing and the bulk bar unmounting when the selection clears;
 * kept in sessionStorage so it survives a reload of the list view.
 */
export interface TrackedRun {
  id: number;
  model: string;
  action: string;
  label: string;
  /** the action's own skip reasons' texts (for the notification when it ends) */
  reasons?: Record<string, string>;
}

const STORAGE_KEY = 'strapi-plugin-bulk-actions:active-runs';

const read = (): TrackedRun[] => {
  try {
    const parsed = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((run) => typeof run?.id === 'number') : [];
  } catch {
    return [];
  }
};

let runs: TrackedRun[] | null = null;
const listeners = new Set<() => void>();

const current = () => (runs ??= read());

const write = (next: TrackedRun[]) => {
  runs = next;
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: tracking still works for this page's lifetime
  }
  listeners.forEach((listener) => listener());
};

export const activeRuns = {
  list: current,
  track(run: TrackedRun) {
    if (!current().some((tracked) => tracked.id === run.id)) write([...current(), run]);
  },
  untrack(id: number) {
    write(current().filter((tracked) => tracked.id !== id));
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

export const useActiveRuns = (model?: string) => {
  const all = React.useSyncExternalStore(activeRuns.subscribe, activeRuns.list, activeRuns.list);
  return React.useMemo(() => (model ? all.filter((run) => run.model === model) : all), [all, model]);
};
