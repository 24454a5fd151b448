import type { Core } from '@strapi/strapi';
import { ActionInterrupted } from '../../errors';
import type { SignalEvent, SignalFilter, SignalHandler, SignalPayload } from '../../types';

const EVENTS: SignalEvent[] = ['requested', 'start', 'end'];

/**
 * Lifecycle signals of runs, after django-adminactions: `requested` (preview), `start` (confirmed,
 * before any change), `end` (after, with counts). Handlers run in subscription order and are awaited.
 */
const createSignalsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const listeners: Array<{ event: SignalEvent; handler: SignalHandler; filter: SignalFilter }> = [];

  return {
    ActionInterrupted,

    /** Subscribes; returns a function that unsubscribes. */
    on(event: SignalEvent, handler: SignalHandler, filter: SignalFilter = {}) {
      if (!EVENTS.includes(event)) {
        throw new Error(`bulk-actions: unknown signal "${event}" (expected ${EVENTS.join(', ')})`);
      }
      if (typeof handler !== 'function') throw new Error(`bulk-actions: the "${event}" signal handler must be a function`);
      const listener = { event, handler, filter };
      listeners.push(listener);
      return () => {
        const index = listeners.indexOf(listener);
        if (index >= 0) listeners.splice(index, 1);
      };
    },

    /**
     * Calls the matching handlers. For `requested` and `start` an exception propagates (an
     * ActionInterrupted stops the run); an `end` handler's exception is logged and swallowed,
     * because the work is already done.
     */
    async emit(payload: SignalPayload) {
      const matching = listeners.filter(
        ({ event, filter }) =>
          event === payload.event &&
          (!filter.contentType || filter.contentType === payload.contentType) &&
          (!filter.action || filter.action === payload.action)
      );
      for (const { handler } of matching) {
        if (payload.event !== 'end') {
          await handler(payload);
          continue;
        }
        try {
          await handler(payload);
        } catch (error) {
          strapi.log.error(`bulk-actions: an "end" signal handler failed: ${(error as Error).message}`);
        }
      }
    },
  };
};

export default createSignalsService;
export type SignalsService = ReturnType<typeof createSignalsService>;
