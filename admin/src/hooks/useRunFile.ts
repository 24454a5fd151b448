import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { RunView } from '../types';
import { downloadBlob, fileNameOf } from '../utils/download';

/** Saves the file a queued run produced (e.g. a large export), kept on the server for its owner. */
export const useDownloadRunFile = () => {
  const { get } = useFetchClient();
  return React.useCallback(
    async (run: RunView) => {
      if (!run.download) return;
      const response = await get(`/bulk-actions/runs/${run.id}/download`, { responseType: 'blob' });
      downloadBlob(response.data, fileNameOf(response.headers?.get('Content-Disposition'), run.download.name));
    },
    [get]
  );
};
