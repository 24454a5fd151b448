import * as React from 'react';
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
          .then(() => notify(run, tracked.label, t('result.downloaded', 'Downloaded {fileName}', { fileName: run.download!.name })))
          .catch(() => notify(run, tracked.label));
      } else {
        notify(run, tracked.label);
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
 * Rendered in the list view's header (injection zone `listView.actions`), so the progress of a
 * background run stays visible after its modal closes and its selection is cleared.
 */
export const ActiveRuns = () => {
  const runs = useActiveRuns();
  if (runs.length === 0) return null;
  return (
    <Box paddingLeft={2} paddingRight={2}>
      <Flex direction="column" alignItems="stretch" gap={1}>
        {runs.map((tracked) => (
          <ActiveRun key={tracked.id} tracked={tracked} />
        ))}
      </Flex>
    </Box>
  );
};
