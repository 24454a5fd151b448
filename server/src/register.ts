import type { Core } from '@strapi/strapi';
import { builtInActions } from './actions';
import { uploadSizeGuard } from './services/uploads/size-guard';
import { getService } from './utils/services';

/** Built-in actions go through the same registry as the app's; the app may disable them in its own register(). */
const register = ({ strapi }: { strapi: Core.Strapi }) => {
  const actions = getService(strapi, 'actions');
  for (const action of builtInActions) actions.register(action);
  // before the app's middlewares (registered later, at load): ahead of the body parser
  strapi.server.use(uploadSizeGuard(strapi));
};

export default register;
