import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../contracts';
import type services from '../services';

/** The plugin's services by name, each typed as what its factory returns. */
export type Services = { [Name in keyof typeof services]: ReturnType<(typeof services)[Name]> };
export type ServiceName = keyof Services;

/**
 * Typed access to one of the plugin's services: Strapi types `plugin().service()` as `any`, so every
 * call goes through here and "go to definition" leads to the service itself.
 */
export const getService = <Name extends ServiceName>(strapi: Core.Strapi, name: Name): Services[Name] =>
  strapi.plugin(PLUGIN_ID).service(name) as Services[Name];
