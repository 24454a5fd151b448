import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from './contracts';

/** Stops the worker loop; a job in hand pauses at its next chunk and is released to other instances. */
const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.plugin(PLUGIN_ID).service('jobs').stop();
};

export default destroy;
