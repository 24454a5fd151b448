import * as React from 'react';
import { createPortal } from 'react-dom';
import { Box, Flex } from '@strapi/design-system';
import { useRefreshAfterRunMutation } from '../api';
import { useDownloadRunFile } from '../hooks/useRunFile';
import { useRunNotification } from '../hooks/useRunNotification';
import { useT } from '../hooks/useT';
import { activeRuns, useActiveRuns, type TrackedRun } from '../store/activeRuns';
import { isActive } from '../types';
import { useRunProgress } from '../hooks/useRunProgress';
import { RunProgressBar } from './RunProgress';

/** Follows one background run: progress while it works, then a notification and a list refresh. */
const ActiveRun = ({ tracked }: { tracked: TrackedRun }) => {
  const { run, error } = useRunProgress(tracked.id);
  const notify = useRunNotification();
  const [refresh] = useRefreshAfterRunMutation();
  const downloadFile = useDownloadRunFile();
  const { t } = useT();

  React.useEffect(() => {
    if (run && !isActive(run)) {
      activeRuns.untrack(tracked.id);
      refresh(tracked.model);
      if (run.download && ['succeeded', 'partial'].includes(run.status)) {
        downloadFile(run)
          .then(() => notify(run, tracked, t('result.downloaded', 'Downloaded {fileName}', { fileName: run.download!.name })))
          .catch(() => notify(run, tracked));
      } else {
        notify(run, tracked);
      }
    }
  }, [run, tracked, notify, refresh, downloadFile, t]);

  React.useEffect(() => {
    // the run is gone (or not ours to read): stop following it
    if (error && (error as { status?: number }).status === 404) activeRuns.untrack(tracked.id);
  }, [error, tracked.id]);

  if (!run || !isActive(run)) return null;
  return <RunProgressBar run={run} compact label={tracked.label} />;
};

/**
 * The line under the list's toolbar where the progress goes. The Content Manager offers the toolbar
 * (injection zone `listView.actions`, beside the locale picker and the view settings) but no slot of
 * its own above the table: a container is added after the toolbar, inside the page's main element,
 * and removed with this component.
 */
const useLineAboveList = (marker: React.RefObject<HTMLElement>, wanted: boolean) => {
  const [line, setLine] = React.useState<HTMLElement | null>(null);
  React.useLayoutEffect(() => {
    if (!wanted || !marker.current) return undefined;
    let toolbar: HTMLElement | null = marker.current;
    while (toolbar?.parentElement && toolbar.parentElement.tagName !== 'MAIN') toolbar = toolbar.parentElement;
    if (!toolbar?.parentElement) return undefined;
    const container = document.createElement('div');
    container.dataset.bulkActionsProgress = '';
    toolbar.after(container);
    setLine(container);
    return () => {
      container.remove();
      setLine(null);
    };
  }, [marker, wanted]);
  return line;
};

/**
 * Rendered in the list view's toolbar, shown on a line of its own above the list, so the progress of
 * a background run stays visible after its modal closes and its selection is cleared.
 */
export const ActiveRuns = () => {
  const runs = useActiveRuns();
  const marker = React.useRef<HTMLSpanElement>(null);
  const line = useLineAboveList(marker, runs.length > 0);
  if (runs.length === 0) return null;
  const progress = (
    <Box paddingLeft={{ initial: 4, medium: 6, large: 10 }} paddingRight={{ initial: 4, medium: 6, large: 10 }} paddingBottom={4}>
      <Flex direction="column" alignItems="stretch" gap={1} data-testid="bulk-actions-active-runs">
        {runs.map((tracked) => (
          <ActiveRun key={tracked.id} tracked={tracked} />
        ))}
      </Flex>
    </Box>
  );
  return (
    <>
      <span ref={marker} hidden />
      {line ? createPortal(progress, line) : null}
    </>
  );
};
