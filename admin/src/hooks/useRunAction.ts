import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { RunRequest, RunResponse } from '../../../server/src/contracts';
import { isActive, type RunView } from '../types';
import type { ApiErrorBody } from '../utils/errors';
import { useDownloadRunFile } from './useRunFile';

export type RunOutcome =
  | { kind: 'run'; run: RunView }
  /** a finished export: its file was saved under `fileName` */
  | { kind: 'download'; run: RunView; fileName: string }
  | { kind: 'error'; error: ApiErrorBody };

interface ErrorResponse {
  error: ApiErrorBody;
}

/**
 * Starts a run: POST /bulk-actions/content-types/:uid/actions/:name/run, or POST /bulk-actions/runs/:id/retry.
 * The admin asks for JSON only, so an export is not streamed back: the server keeps its file with
 * the run and the admin downloads it from GET /runs/:id/download, through the same authenticated
 * client as every other request.
 */
export const useStartRun = () => {
  const { post } = useFetchClient();
  const downloadFile = useDownloadRunFile();

  return React.useCallback(
    async (path: string, body: RunRequest | undefined): Promise<RunOutcome> => {
      // every status answers its body: a 409 (a hook interrupted the run) or a 400 carries what to show
      const response = await post<RunResponse | ErrorResponse>(path, body ?? {}, { validateStatus: () => true });
      if ('error' in response.data) return { kind: 'error', error: response.data.error ?? {} };
      const run = response.data.data.run as RunView;
      if (run.download && !isActive(run) && ['succeeded', 'partial'].includes(run.status)) {
        const fileName = await downloadFile(run);
        if (fileName) return { kind: 'download', run, fileName };
      }
      return { kind: 'run', run };
    },
    [post, downloadFile]
  );
};

/** Runs an action over a selection. */
export const useRunAction = () => {
  const start = useStartRun();
  return React.useCallback(
    (uid: string, name: string, body: RunRequest) =>
      start(`/bulk-actions/content-types/${encodeURIComponent(uid)}/actions/${encodeURIComponent(name)}/run`, body),
    [start]
  );
};

/** "Undo this run": a new run that puts back what the run changed (POST /runs/:id/revert). */
export const useRevertRun = () => {
  const start = useStartRun();
  return React.useCallback((runId: number) => start(`/bulk-actions/runs/${runId}/revert`, undefined), [start]);
};

/** "Retry failed": the server runs the same action, with the same params, over every entry that failed. */
export const useRetryRun = () => {
  const start = useStartRun();
  return React.useCallback((runId: number) => start(`/bulk-actions/runs/${runId}/retry`, undefined), [start]);
};
