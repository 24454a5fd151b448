import * as React from 'react';
import { Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import type { AttributeOption, UploadSummary } from '../../../server/src/contracts';
import { useT } from '../hooks/useT';

/** The columns of an uploaded file mapped to fields, each column's header field chosen automatically. */

const IGNORE = '\u0000ignore';
const KEY_COLUMNS = ['documentId', 'locale'];

/** The field a column fills when nothing is chosen: the one named by its header. */
export const automaticField = (column: string, options: AttributeOption[]) =>
  KEY_COLUMNS.includes(column) || options.some((option) => option.name === column) ? column : null;

interface MappingInputProps {
  name: string;
  upload: UploadSummary | null;
  options: AttributeOption[];
  value: unknown;
  onChange: (value: Record<string, string | null>) => void;
  hasError: boolean;
}

export const MappingInput = ({ name, upload, options, value, onChange, hasError }: MappingInputProps) => {
  const { t } = useT();
  if (!upload) {
    return (
      <Typography variant="pi" textColor="neutral600">
        {t('mapping.upload-first', 'Upload a file first.')}
      </Typography>
    );
  }
  const mapping = (value && typeof value === 'object' ? value : {}) as Record<string, string | null>;
  const chosen = (column: string) => (Object.hasOwn(mapping, column) ? mapping[column] : automaticField(column, options));
  const choices = [...KEY_COLUMNS, ...options.map((option) => option.name)];
  return (
    <Flex direction="column" gap={2} alignItems="stretch">
      {upload.columns.map((column) => (
        <Flex key={column} gap={2} justifyContent="space-between">
          <Typography variant="omega" style={{ minWidth: '40%' }}>
            {column}
          </Typography>
          <SingleSelect
            name={`${name}.${column}`}
            aria-label={t('mapping.column', 'Field for the column {column}', { column })}
            value={chosen(column) ?? IGNORE}
            onChange={(next) => onChange({ ...Object.fromEntries(upload.columns.map((c) => [c, chosen(c)])), [column]: next === IGNORE ? null : String(next) })}
            hasError={hasError}
          >
            <SingleSelectOption value={IGNORE}>{t('mapping.ignore', 'Ignore this column')}</SingleSelectOption>
            {choices.map((choice) => (
              <SingleSelectOption key={choice} value={choice}>
                {choice}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Flex>
      ))}
    </Flex>
  );
};
