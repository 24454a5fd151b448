import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { RunView } from '../types';
import { downloadBlob, fileNameOf } from '../utils/download';

/**
 * Saves the file a run produced (an export), kept on the server for its owner; answers the name it
 * was saved under. Every file the admin downloads comes through here.
 */
export const useDownloadRunFile = () => {
  const { get } = useFetchClient();
  return React.useCallback(
    async (run: RunView): Promise<string | null> => {
      if (!run.download) return null;
      const response = await get(`/bulk-actions/runs/${run.id}/download`, { responseType: 'blob' });
      const fileName = fileNameOf(response.headers?.get('Content-Disposition'), run.download.name);
      downloadBlob(response.data, fileName);
      return fileName;
    },
    [get]
  );
};

/** Saves the full dry run of a preview (every outcome and planned change) as the CSV the server writes. */
export const useDownloadDryRun = () => {
  const { post } = useFetchClient();
  return React.useCallback(
    async (uid: string, action: string, body: Record<string, unknown>): Promise<string> => {
      const response = await post(`/bulk-actions/content-types/${uid}/actions/${action}/preview/report`, body, { responseType: 'blob' });
      const fileName = fileNameOf(response.headers?.get('Content-Disposition'), `dry-run-${action}.csv`);
      downloadBlob(response.data as Blob, fileName);
      return fileName;
    },
    [post]
  );
};
