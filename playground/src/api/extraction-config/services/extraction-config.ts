import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::extraction-config.extraction-config');
