export default ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  app: {
    // Demo-only fallbacks so `npm run demo` works on a fresh clone; set APP_KEYS in any real deployment.
    keys: env.array('APP_KEYS', ['playgroundKeyA', 'playgroundKeyB']),
  },
});
