import type { Core } from '@strapi/strapi';

const bootstrap = ({ strapi: _strapi }: { strapi: Core.Strapi }) => {};

export default bootstrap;
