import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::extraction-config.extraction-config');
