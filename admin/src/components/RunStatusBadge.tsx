import { Status, Typography } from '@strapi/design-system';
import type { RunStatus } from '../../../server/src/contracts';
import { useRunFormat } from '../hooks/useRunFormat';

export const RunStatusBadge = ({ status }: { status: RunStatus }) => {
  const format = useRunFormat();
  return (
    <Status variant={format.statusVariant(status)} size="S" width="fit-content">
      <Typography tag="span" variant="omega" fontWeight="bold">
        {format.statusLabel(status)}
      </Typography>
    </Status>
  );
};
