import * as React from 'react';
import { useGetRunQuery } from '../api';
import { POLL_INTERVAL_MS } from '../constants';
import { isActive, type RunView } from '../types';

/**
 * A run, polled while it is queued or running; polling stops by itself when the run ends. Every
 * view of a run (the modal, the list header, the run page) follows it through this one hook.
 */
export const useRunProgress = (id: number | string, initial?: RunView) => {
  const [active, setActive] = React.useState(initial ? isActive(initial) : true);
  const query = useGetRunQuery(id, { pollingInterval: active ? POLL_INTERVAL_MS : 0, refetchOnMountOrArgChange: true });
  const run = query.data ?? initial;
  React.useEffect(() => {
    if (run) setActive(isActive(run));
  }, [run]);
  return { run, isLoading: query.isLoading && !initial, error: query.error };
};
