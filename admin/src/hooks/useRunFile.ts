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
