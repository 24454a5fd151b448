import { errors } from '@strapi/utils';

/**
 * Thrown from a `requested` or `start` signal handler to stop the run: nothing changes, the editor
 * sees the message, the run row says `interrupted`. Recognised by its brand, not by `instanceof`,
 * so an app holding another copy of this class still interrupts.
 */
export class ActionInterrupted extends Error {
  readonly isActionInterrupted = true;

  constructor(message: string) {
    super(message);
    this.name = 'ActionInterrupted';
  }
}

export const isActionInterrupted = (error: unknown): error is ActionInterrupted =>
  Boolean(error && typeof error === 'object' && (error as { isActionInterrupted?: unknown }).isActionInterrupted === true);

/**
 * A 403 whose message reaches the client. Strapi's authorize middleware turns a plain ForbiddenError
 * thrown by a controller into a bare "Forbidden"; PolicyError (a ForbiddenError) keeps its message.
 */
export const forbidden = (message: string, details?: Record<string, unknown>) => new errors.PolicyError(message, details);
