import runSchema from './run/schema.json';
import runChunkSchema from './run-chunk/schema.json';
import runOutputPartSchema from './run-output-part/schema.json';
import runUndoSchema from './run-undo/schema.json';
import uploadSchema from './upload/schema.json';
import uploadPartSchema from './upload-part/schema.json';

export const RUN_UID = 'plugin::bulk-actions.run' as const;
export const RUN_CHUNK_UID = 'plugin::bulk-actions.run-chunk' as const;
export const RUN_OUTPUT_PART_UID = 'plugin::bulk-actions.run-output-part' as const;
export const RUN_UNDO_UID = 'plugin::bulk-actions.run-undo' as const;
export const UPLOAD_UID = 'plugin::bulk-actions.upload' as const;
export const UPLOAD_PART_UID = 'plugin::bulk-actions.upload-part' as const;

export default {
  run: { schema: runSchema },
  'run-chunk': { schema: runChunkSchema },
  'run-output-part': { schema: runOutputPartSchema },
  'run-undo': { schema: runUndoSchema },
  upload: { schema: uploadSchema },
  'upload-part': { schema: uploadPartSchema },
};
