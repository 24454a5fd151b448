// Types of the root entry (see strapi-admin.js): those of the built admin half.
export * from './dist/admin/src/index';
export { default } from './dist/admin/src/index';
