import type { Core } from '@strapi/strapi';
import { getService } from './utils/services';

/** Stops the worker loop; a job in hand pauses at its next chunk and is released to other instances. */
const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'jobs').stop();
};

export default destroy;
