import runSchema from './run/schema.json';

export const RUN_UID = 'plugin::bulk-actions.run' as const;

export default {
  run: { schema: runSchema },
};
