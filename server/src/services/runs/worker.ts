import os from 'os';
import { randomUUID } from 'crypto';

/**
 * This instance's identity as a worker and whether it is shutting down. Its own service so the
 * executor (which needs both) and the jobs loop (which sets them) do not depend on each other.
 */
const createWorkerService = () => {
  /** host:pid:random — unique per process, readable in the chunk claims */
  const id = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let stopping = false;

  return {
    id,
    /** True while this instance is shutting down: runs stop between chunks and are left for others. */
    isStopping: () => stopping,
    setStopping(value: boolean) {
      stopping = value;
    },
  };
};

export default createWorkerService;
export type WorkerService = ReturnType<typeof createWorkerService>;
