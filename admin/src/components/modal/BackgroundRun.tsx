import * as React from 'react';
import { Flex, Typography } from '@strapi/design-system';
import { useRunProgress } from '../../hooks/useRunProgress';
import { useT } from '../../hooks/useT';
import { isActive, type RunView } from '../../types';
import { RunProgressBar } from '../RunProgress';

/** Progress of a run the server took to the background, inside the modal. */
export const BackgroundRun = ({ run: initial, onFinished }: { run: RunView; onFinished: () => void }) => {
  const { t } = useT();
  const { run } = useRunProgress(initial.id, initial);
  React.useEffect(() => {
    if (run && !isActive(run)) onFinished();
  }, [run, onFinished]);
  if (!run) return null;
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <RunProgressBar run={run} />
      <Typography variant="pi" textColor="neutral600">
        {t('progress.background', 'The run continues if you close this window; its progress shows above the list.')}
      </Typography>
    </Flex>
  );
};
