import type { ActionSummary } from '../../../server/src/contracts';

/** Destructive by definition, or because its confirmation says so: shown in red and confirmed on its own. */
export const isDestructive = (action: Pick<ActionSummary, 'destructive' | 'confirm'>) =>
  action.destructive || action.confirm.destructive;
