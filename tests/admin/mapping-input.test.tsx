import * as React from 'react';
import { screen } from '@testing-library/react';
import { MappingInput, automaticField } from '../../admin/src/components/MappingInput';
import type { AttributeOption, UploadSummary } from '../../server/src/contracts';
import { renderInAdmin } from './render';

const options = [
  { name: 'title', type: 'string', required: true, localized: true },
  { name: 'views', type: 'integer', required: false, localized: false },
] as AttributeOption[];

const upload: UploadSummary = {
  id: 1, name: 'articles.csv', size: 120, format: 'csv', rows: 3, columns: ['documentId', 'title', 'Price'],
  sha256: 'x', expiresAt: '2026-12-03T00:00:00.000Z',
};

describe('update-from-file inputs', () => {
  it('maps a column to the field its header names, and anything else to nothing', () => {
    expect(automaticField('documentId', options)).toBe('documentId');
    expect(automaticField('title', options)).toBe('title');
    expect(automaticField('Price', options)).toBeNull();
  });

  it('asks for the file before the mapping, then lists one choice per column', () => {
    const { unmount } = renderInAdmin(<MappingInput name="mapping" upload={null} options={options} value={undefined} onChange={jest.fn()} hasError={false} />);
    expect(screen.getByText('Upload a file first.')).toBeTruthy();
    unmount();
    renderInAdmin(<MappingInput name="mapping" upload={upload} options={options} value={undefined} onChange={jest.fn()} hasError={false} />);
    for (const column of upload.columns) expect(screen.getByRole('combobox', { name: `Field for the column ${column}` })).toBeTruthy();
  });
});
