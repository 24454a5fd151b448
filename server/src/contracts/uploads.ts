/** Contracts of the upload endpoints (update-from-file): what the admin sends and what the server answers. */

export const UPLOAD_FORMATS = ['csv', 'xlsx'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

/** A stored upload as its owner sees it. `columns` are the header's cells in order. */
export interface UploadSummary {
  id: number;
  name: string;
  size: number;
  format: UploadFormat;
  /** data rows (the header not counted) */
  rows: number;
  columns: string[];
  sha256: string;
  expiresAt: string;
}

/** POST /uploads (multipart: the part `file`, the field `contentType`) → 201 */
export interface CreateUploadResponse {
  upload: UploadSummary;
}
