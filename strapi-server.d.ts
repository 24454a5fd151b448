// Types of the root entry (see strapi-server.js): those of the built server half.
export * from './dist/server/src/index';
export { default } from './dist/server/src/index';
