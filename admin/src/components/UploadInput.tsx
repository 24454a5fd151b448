import * as React from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import type { CreateUploadResponse, UploadSummary } from '../../../server/src/contracts';
import { useT } from '../hooks/useT';

/** The file of update-from-file: a drop zone that uploads it (the server stores it and answers its columns). */

interface UploadInputProps {
  name: string;
  label: string;
  upload: UploadSummary | null;
  onUploaded: (upload: UploadSummary | null) => void;
  hasError: boolean;
}

export const UploadInput = ({ name, label, upload, onUploaded, hasError }: UploadInputProps) => {
  const { t } = useT();
  const { post } = useFetchClient();
  const input = React.useRef<HTMLInputElement>(null);
  const [busy, setBusy] = React.useState(false);
  const [problem, setProblem] = React.useState<string | null>(null);
  const [over, setOver] = React.useState(false);

  const send = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setProblem(null);
    try {
      const data = new FormData();
      data.append('file', file, file.name);
      const res = await post<CreateUploadResponse>('/bulk-actions/uploads', data);
      onUploaded(res.data.upload);
    } catch (error) {
      const message = (error as { response?: { data?: { error?: { message?: string } } } }).response?.data?.error?.message;
      setProblem(message ?? t('upload.failed', 'The file could not be uploaded.'));
      onUploaded(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box
      padding={4}
      hasRadius
      borderStyle="dashed"
      borderWidth="1px"
      borderColor={hasError || problem ? 'danger600' : over ? 'primary600' : 'neutral300'}
      background={over ? 'primary100' : 'neutral0'}
      onDragOver={(event: React.DragEvent) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event: React.DragEvent) => {
        event.preventDefault();
        setOver(false);
        void send(event.dataTransfer.files[0]);
      }}
    >
      <Flex direction="column" gap={2} alignItems="flex-start">
        <Typography variant="omega">
          {upload
            ? t('upload.summary', '{name}: {rows} rows, {columns} columns', { name: upload.name, rows: upload.rows, columns: upload.columns.length })
            : t('upload.drop', 'Drop a CSV or XLSX file here (an export, edited), or choose one.')}
        </Typography>
        {problem ? (
          <Typography variant="pi" textColor="danger600" role="alert">
            {problem}
          </Typography>
        ) : null}
        <input
          ref={input}
          type="file"
          name={name}
          aria-label={label}
          accept=".csv,.tsv,.txt,.xlsx"
          style={{ display: 'none' }}
          onChange={(event) => void send(event.currentTarget.files?.[0])}
        />
        <Button variant="secondary" size="S" loading={busy} onClick={() => input.current?.click()}>
          {upload ? t('upload.replace', 'Choose another file') : t('upload.choose', 'Choose a file')}
        </Button>
      </Flex>
    </Box>
  );
};

