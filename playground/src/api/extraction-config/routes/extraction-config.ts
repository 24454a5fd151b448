import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::extraction-config.extraction-config');
