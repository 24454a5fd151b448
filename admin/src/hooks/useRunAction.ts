import * as React from 'react';
import { useAuth, useFetchClient } from '@strapi/strapi/admin';
import type { RunRequest, RunResponse } from '../../../server/src/contracts';
import type { RunView } from '../types';
import { fileNameOf } from '../utils/download';
import type { ApiErrorBody } from '../utils/errors';

/** Where the admin API lives (set by Strapi's admin at startup). */
const backendURL = () => (window as unknown as { strapi: { backendURL: string } }).strapi.backendURL;

export type RunOutcome =
  | { kind: 'run'; httpStatus: number; run: RunView }
  | { kind: 'download'; blob: Blob; fileName: string; runId: number | null }
  | { kind: 'error'; httpStatus: number; error: ApiErrorBody };

/**
 * Starts a run: POST /bulk-actions/content-types/:uid/actions/:name/run, or POST /bulk-actions/runs/:id/retry.
 * The answer is JSON (the run, 200 or 202; 409 when a server hook interrupted it) or, for actions such
 * as `export-csv`, the file itself: `useFetchClient().post` always parses JSON, so this goes through
 * `fetch` with the admin token, like Strapi's own file downloads.
 */
export const useStartRun = () => {
  const token = useAuth('BulkActions', (state) => state.token);
  const tokenRef = React.useRef(token);
  tokenRef.current = token;
  const { get } = useFetchClient();

  return React.useCallback(
    async (path: string, body: RunRequest | undefined, fallbackFileName: string): Promise<RunOutcome> => {
      const url = `${backendURL()}${path}`;
      const send = () =>
        fetch(url, {
          method: 'POST',
          credentials: 'include',
          headers: {
            Accept: 'application/json, text/csv, */*',
            'Content-Type': 'application/json',
            Authorization: `Bearer ${tokenRef.current}`,
          },
          body: JSON.stringify(body ?? {}),
        });

      let response = await send();
      if (response.status === 401) {
        // an expired access token: any fetch-client request refreshes it, then retry once
        await get('/bulk-actions/info').catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
        response = await send();
      }

      const type = response.headers.get('Content-Type') ?? '';
      if (type.includes('application/json')) {
        const json = await response.json().catch(() => ({}));
        if (!response.ok) {
          return { kind: 'error', httpStatus: response.status, error: json?.error ?? { status: response.status } };
        }
        return { kind: 'run', httpStatus: response.status, run: (json as RunResponse).data.run as RunView };
      }
      if (!response.ok) {
        return { kind: 'error', httpStatus: response.status, error: { status: response.status, message: await response.text() } };
      }
      const runId = Number(response.headers.get('X-Bulk-Actions-Run-Id'));
      return {
        kind: 'download',
        blob: await response.blob(),
        fileName: fileNameOf(response.headers.get('Content-Disposition'), fallbackFileName),
        runId: Number.isFinite(runId) && runId > 0 ? runId : null,
      };
    },
    [get]
  );
};

/** Runs an action over a selection. */
export const useRunAction = () => {
  const start = useStartRun();
  return React.useCallback(
    (uid: string, name: string, body: RunRequest) =>
      start(
        `/bulk-actions/content-types/${encodeURIComponent(uid)}/actions/${encodeURIComponent(name)}/run`,
        body,
        `${name}.csv`
      ),
    [start]
  );
};

/** "Retry failed": the server runs the same action, with the same params, over every entry that failed. */
export const useRetryRun = () => {
  const start = useStartRun();
  return React.useCallback((runId: number) => start(`/bulk-actions/runs/${runId}/retry`, undefined, `run-${runId}.csv`), [start]);
};
