'use strict';
// Root entry for resolvers that ignore package.json "exports" (TypeScript's moduleResolution
// "Node", the default of a Strapi app's tsconfig, and Strapi's own fallback): the built server half.
module.exports = require('./dist/server/index.js');
