import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { PreviewRequest, PreviewResult, Run, RunRequest, RunStatus } from '../contracts';
import { PLUGIN_ID } from '../contracts';
import { forbidden, isActionInterrupted } from '../errors';
import type { BulkActionDefinition, RunHandlerResult, RunUser, SignalEvent, SignalPayload } from '../types';
import type { UserAbility } from './permissions';
import { createRunContext, type RunTally } from './run-context';
import type { ResolvedSelection } from './selection';

export const RUN_FINISHED_EVENT = 'bulk-actions.run.finished';

/** A signal handler stopped the run: answered as 409 with the handler's message. */
export class RunInterruptedError extends Error {
  constructor(message: string, public run: Run) {
    super(message);
    this.name = 'RunInterruptedError';
  }
}

export interface Caller {
  ability: UserAbility;
  user: { id: number; firstname?: string | null; lastname?: string | null; username?: string | null; email?: string };
}

const sumValues = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

const mergeCounts = (...all: Array<Record<string, number>>) => {
  const merged: Record<string, number> = {};
  for (const counts of all) for (const [key, n] of Object.entries(counts)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
};

export const statusOf = (succeeded: number, skipped: number, failed: number, crashed: boolean): RunStatus => {
  if (failed > 0 && succeeded === 0) return 'failed';
  if (crashed) return succeeded > 0 ? 'partial' : 'failed';
  return failed > 0 || skipped > 0 ? 'partial' : 'succeeded';
};

/** "12 entries done · 3 skipped: forbidden · 1 failed" */
export const summarize = (succeeded: number, skipped: Record<string, number>, failed: number) => {
  const parts = [`${succeeded} ${succeeded === 1 ? 'entry' : 'entries'} done`];
  const skippedTotal = sumValues(skipped);
  if (skippedTotal) {
    const reasons = Object.entries(skipped);
    const why = reasons.length === 1 ? reasons[0][0] : reasons.map(([reason, n]) => `${n} ${reason}`).join(', ');
    parts.push(`${skippedTotal} skipped: ${why}`);
  }
  if (failed) parts.push(`${failed} failed`);
  return parts.join(' · ');
};

/**
 * One run, end to end: resolve the action, check permissions, freeze the selection, signal,
 * execute, tally, write the audit row, emit the webhook event.
 */
const createRunnerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const service = (name: string) => strapi.plugin(PLUGIN_ID).service(name);

  const runUser = (user: Caller['user']): RunUser => ({
    id: user.id,
    email: user.email,
    displayName:
      [user.firstname, user.lastname].filter(Boolean).join(' ') || user.username || user.email || `user ${user.id}`,
  });

  const assertActionable = (uid: string) => {
    if (!service('content-types').isActionable(uid)) {
      throw new errors.NotFoundError(`Unknown content type "${uid}" (bulk actions act on collection types)`);
    }
  };

  /** 404 for an unknown content type or action, 403 when it is not enabled or not permitted. */
  const resolveAction = async (uid: string, name: string, ability: UserAbility): Promise<BulkActionDefinition> => {
    assertActionable(uid);
    const definition = service('actions').get(uid, name) as BulkActionDefinition | undefined;
    if (!definition) throw new errors.NotFoundError(`Unknown action "${name}" for ${uid}`);
    if (!(await service('settings').isEnabled(uid, name))) {
      throw forbidden(`The action "${name}" is not enabled for ${uid}`);
    }
    service('permissions').assertCanRun(ability, uid, definition);
    return definition;
  };

  /** The locale acted on: the request's (validated), else the default locale; null without i18n. */
  const resolveLocale = async (uid: string, locale?: string): Promise<string | null> => {
    const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as any;
    if (!model.pluginOptions?.i18n?.localized) {
      if (locale) throw new errors.ValidationError(`locale: ${uid} is not localized`);
      return null;
    }
    const locales = strapi.plugin('i18n').service('locales');
    if (!locale) return locales.getDefaultLocale();
    if (!(await locales.findByCode(locale))) throw new errors.ValidationError(`locale: unknown locale "${locale}"`);
    return locale;
  };

  const payload = (
    event: SignalEvent,
    base: { definition: BulkActionDefinition; uid: string; locale: string | null; user: RunUser; request: PreviewRequest },
    selection: ResolvedSelection,
    extra: Partial<SignalPayload> = {}
  ): SignalPayload => ({
    event,
    action: base.definition.name,
    contentType: base.uid,
    locale: base.locale,
    user: base.user,
    selection: base.request.selection,
    total: selection.total,
    actionable: selection.permittedIds.length,
    skipped: selection.skipped,
    ...extra,
  });

  return {
    resolveAction,

    availableActions(uid: string) {
      assertActionable(uid);
      return (service('actions').list(uid) as BulkActionDefinition[]).map((definition) => ({
        name: definition.name,
        label: definition.label,
        description: definition.description ?? null,
        destructive: Boolean(definition.confirm?.destructive),
      }));
    },

    async listActions(uid: string, ability: UserAbility) {
      assertActionable(uid);
      const enabled: string[] = await service('settings').enabledActions(uid);
      return (service('actions').list(uid) as BulkActionDefinition[])
        .filter((definition) => enabled.includes(definition.name))
        .filter((definition) => !service('permissions').missingPermission(ability, uid, definition))
        .map((definition) => ({
          name: definition.name,
          label: definition.label,
          description: definition.description ?? null,
          mode: definition.mode,
          destructive: Boolean(definition.confirm?.destructive),
          form: service('forms').describe(definition, uid, ability),
          confirm: { message: definition.confirm?.message ?? null, destructive: Boolean(definition.confirm?.destructive) },
        }));
    },

    async preview(uid: string, name: string, request: PreviewRequest, caller: Caller): Promise<PreviewResult> {
      const definition = await resolveAction(uid, name, caller.ability);
      const locale = await resolveLocale(uid, request.locale);
      const selection: ResolvedSelection = await service('selection').resolve({
        ability: caller.ability, uid, definition, selection: request.selection, locale,
      });
      const user = runUser(caller.user);
      const base = { definition, uid, locale, user, request };
      try {
        await service('signals').emit(payload('requested', base, selection));
      } catch (error) {
        if (!isActionInterrupted(error)) throw error;
        const run = await this.recordInterrupted(base, selection, null, null, (error as Error).message);
        throw new RunInterruptedError((error as Error).message, run);
      }
      return {
        total: selection.total,
        actionable: selection.permittedIds.length,
        skipped: selection.skipped,
        sample: await service('selection').sample(uid, selection.permittedIds, selection.scope),
      };
    },

    async recordInterrupted(
      base: { definition: BulkActionDefinition; uid: string; locale: string | null; user: RunUser; request: PreviewRequest },
      selection: ResolvedSelection,
      params: Record<string, unknown> | null,
      idempotencyKey: string | null,
      message: string
    ) {
      const run = await service('runs').start({
        action: base.definition.name,
        contentType: base.uid,
        locale: base.locale,
        userId: base.user.id,
        userName: base.user.displayName,
        selectionKind: selection.kind,
        total: selection.total,
        params,
        idempotencyKey,
      });
      return service('runs').finish(run, {
        status: 'interrupted',
        succeeded: 0,
        skipped: 0,
        failed: 0,
        skippedReasons: {},
        failures: [],
        message,
      });
    },

    /** Runs the action now, inside the request. Same idempotency key from the same user: the first run, not a second. */
    async run(uid: string, name: string, request: RunRequest, caller: Caller): Promise<{ run: Run; download?: RunHandlerResult['download'] }> {
      const definition = await resolveAction(uid, name, caller.ability);
      const user = runUser(caller.user);
      if (request.idempotencyKey) {
        const previous: Run | null = await service('runs').findByIdempotencyKey(user.id, request.idempotencyKey);
        if (previous) {
          if (previous.action !== name || previous.contentType !== uid) {
            throw new errors.ValidationError(
              `idempotencyKey: already used for "${previous.action}" on ${previous.contentType} (run ${previous.id})`
            );
          }
          return { run: previous };
        }
      }
      const locale = await resolveLocale(uid, request.locale);
      const params = await service('forms').validate(definition, uid, caller.ability, request.params ?? {});
      const selection: ResolvedSelection = await service('selection').resolve({
        ability: caller.ability, uid, definition, selection: request.selection, locale,
      });
      const base = { definition, uid, locale, user, request };
      const auditParams = service('forms').redact(definition, params);

      try {
        await service('signals').emit(payload('start', base, selection, { params: auditParams }));
      } catch (error) {
        if (!isActionInterrupted(error)) throw error;
        const run = await this.recordInterrupted(base, selection, auditParams, request.idempotencyKey ?? null, (error as Error).message);
        throw new RunInterruptedError((error as Error).message, run);
      }

      const started: Run = await service('runs').start({
        action: name,
        contentType: uid,
        locale,
        userId: user.id,
        userName: user.displayName,
        selectionKind: selection.kind,
        total: selection.total,
        params: auditParams,
        idempotencyKey: request.idempotencyKey ?? null,
      });

      const controller = new AbortController();
      const { context, tally } = createRunContext({
        strapi, definition, uid, locale, user, params, selection, signal: controller.signal,
      });

      let result: void | RunHandlerResult = undefined;
      let handlerError: Error | undefined;
      try {
        result = await definition.handler(context);
      } catch (error) {
        handlerError = error instanceof Error ? error : new Error(String(error));
        strapi.log.error(`bulk-actions: "${name}" on ${uid} failed: ${handlerError.message}`);
      }

      const finished = await this.finish(started, selection, tally(handlerError), handlerError);
      await service('signals').emit(payload('end', base, selection, { params: auditParams, run: finished, failures: finished.failures }));
      strapi.eventHub.emit(RUN_FINISHED_EVENT, { run: { ...finished, failures: undefined, params: undefined } });
      return { run: finished, download: handlerError ? undefined : result?.download };
    },

    async finish(started: Run, selection: ResolvedSelection, tally: RunTally, handlerError?: Error): Promise<Run> {
      const skippedReasons = mergeCounts(selection.skipped, tally.skippedByHandler);
      const skipped = sumValues(skippedReasons);
      const failed = tally.failed.length;
      const summary = summarize(tally.succeeded, skippedReasons, failed);
      const message = [handlerError ? `Error: ${handlerError.message}` : null, ...tally.messages, summary]
        .filter(Boolean)
        .join('\n');
      return service('runs').finish(started, {
        status: statusOf(tally.succeeded, skipped, failed, Boolean(handlerError)),
        succeeded: tally.succeeded,
        skipped,
        failed,
        skippedReasons,
        failures: tally.failed,
        message,
      });
    },
  };
};

export default createRunnerService;
export type RunnerService = ReturnType<typeof createRunnerService>;
