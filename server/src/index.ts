import bootstrap from './bootstrap';
import config from './config';
import contentTypes from './content-types';
import controllers from './controllers';
import destroy from './destroy';
import register from './register';
import routes from './routes';
import policies from './policies';
import services from './services';

export { ActionInterrupted, isActionInterrupted } from './errors';
export type * from './types';
export type * from './contracts';

export default {
  register,
  bootstrap,
  destroy,
  config,
  routes,
  controllers,
  services,
  contentTypes,
  policies,
  middlewares: {},
};
