'use strict';
// Root entry for resolvers that ignore package.json "exports": the built admin half
// (Strapi's admin build itself imports "./strapi-admin" through "exports").
module.exports = require('./dist/admin/index.js');
