import type { Core } from '@strapi/strapi';
import { getService } from '../utils/services';

/**
 * Route guard for `/content-types/:uid/...`: the RBAC subject is in the URL, so `admin::hasPermissions`
 * (static subjects) cannot express it. Unknown uids pass through so the controller can answer 404.
 */
const canReadContentType = (policyContext: any, _config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const uid = policyContext.params?.uid;
  if (!getService(strapi, 'content-types').isActionable(uid)) return true;
  return Boolean(policyContext.state.userAbility?.can('plugin::content-manager.explorer.read', uid));
};

export default canReadContentType;
