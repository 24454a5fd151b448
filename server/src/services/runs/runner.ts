import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { HintsRequest, HintValue, PreviewRequest, PreviewResult, Run, RunRequest } from '../../contracts';
import { editableFields, type EditableField } from '../../actions/edit-fields/fields';
import { fieldHints } from '../../actions/edit-fields/hints';
import { PLUGIN_ID } from '../../contracts';
import { forbidden, isActionInterrupted } from '../../errors';
import type { PluginConfig } from '../../config';
import type { BulkActionDefinition, ReportLine, RunUser, SignalEvent, SignalPayload } from '../../types';
import type { UserAbility } from '../access/permissions';
import { CHUNK_SIZE, ID_CHUNK } from '../../constants';
import { chunk } from '../../utils/arrays';
import { createStreamSink, fileDate, outputFileName } from './outputs';
import { outputOf } from './files';
import type { ResolvedSelection } from '../access/selection';
import { getModel, isLocalized } from '../../utils/models';
import { getService } from '../../utils/services';
import { revertAction, type RevertParams } from '../../actions/revert';
import { previewPlan } from './plan-preview';

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

/**
 * How the client takes an action's file. A client that accepts the file's type gets it streamed in
 * the response; one that asks for JSON only (the admin) gets the run, and the file stays with the
 * run in the database for GET /runs/:id/download.
 */
export interface Delivery {
  acceptsFile?: (contentType: string) => boolean;
}

/** What starting a run gives the controller: a finished run, a queued one, or a file being streamed. */
export type RunStarted =
  | { kind: 'finished' | 'queued'; run: Run }
  | {
      kind: 'download';
      run: Run;
      download: { filename: string; contentType: string; stream: NodeJS.ReadableStream };
      completion: Promise<unknown>;
    };

/** How far ahead a run may be scheduled. */
const MAX_SCHEDULE_DAYS = 366;

/** `runAt` of a run request (its format checked by the request schema): a time in the future, or none. */
const scheduledTime = (runAt?: string): Date | null => {
  if (runAt === undefined) return null;
  const at = new Date(runAt);
  const refuse = (message: string) =>
    new errors.ValidationError(`body.runAt: ${message}`, { errors: [{ path: ['body', 'runAt'], message, name: 'ValidationError' }] });
  if (Number.isNaN(at.getTime())) throw refuse('must be an ISO 8601 date-time');
  if (at.getTime() <= Date.now()) throw refuse('must be in the future');
  if (at.getTime() > Date.now() + MAX_SCHEDULE_DAYS * 86_400_000) throw refuse(`must be within ${MAX_SCHEDULE_DAYS} days`);
  return at;
};

/** Why POST /runs/:id/revert is refused, in the editor's words. */
const undoRefusal = (run: Run) => {
  switch (run.undo.reason) {
    case 'not-revertible':
      return `"${run.action}" records nothing to undo: run ${run.id} cannot be undone`;
    case 'not-finished':
      return `Run ${run.id} is ${run.status}: it can be undone once it has finished`;
    case 'reverted':
      return `Run ${run.id} was undone already${run.revertedBy ? ` (run ${run.revertedBy})` : ''}`;
    case 'purged':
      return `The undo records of run ${run.id} were removed on ${run.undo.purgedAt?.slice(0, 10)}: it can no longer be undone`;
    default:
      return `Run ${run.id} changed nothing: there is nothing to undo`;
  }
};

/**
 * One run, end to end: resolve the action, check permissions, freeze the selection, signal,
 * execute, tally, write the audit row, emit the webhook event.
 */
const createRunnerService = ({ strapi }: { strapi: Core.Strapi }) => {

  const runUser = (user: Caller['user']): RunUser => ({
    id: user.id,
    email: user.email,
    displayName:
      [user.firstname, user.lastname].filter(Boolean).join(' ') || user.username || user.email || `user ${user.id}`,
  });

  const assertActionable = (uid: string) => {
    if (!getService(strapi, 'content-types').isActionable(uid)) {
      throw new errors.NotFoundError(`Unknown content type "${uid}" (bulk actions act on collection types)`);
    }
  };

  /** 404 for an unknown content type or action, 403 when it is not enabled or not permitted. */
  const resolveAction = async (uid: string, name: string, ability: UserAbility): Promise<BulkActionDefinition> => {
    assertActionable(uid);
    const definition = getService(strapi, 'actions').get(uid, name);
    if (!definition) throw new errors.NotFoundError(`Unknown action "${name}" for ${uid}`);
    if (!(await getService(strapi, 'settings').isEnabled(uid, name))) {
      throw forbidden(`The action "${name}" is not enabled for ${uid}`);
    }
    getService(strapi, 'permissions').assertCanRun(ability, uid, definition);
    return definition;
  };

  /** The locale acted on: the request's (validated), else the default locale; null without i18n. */
  const resolveLocale = async (uid: string, locale?: string): Promise<string | null> => {
    if (!isLocalized(getModel(strapi, uid))) {
      if (locale) throw new errors.ValidationError(`locale: ${uid} is not localized`);
      return null;
    }
    const locales = strapi.plugin('i18n').service('locales');
    if (!locale) return locales.getDefaultLocale();
    if (!(await locales.findByCode(locale))) throw new errors.ValidationError(`locale: unknown locale "${locale}"`);
    return locale;
  };

  /**
   * The run an earlier confirm with this idempotency key made, if any. The same key for another
   * action or content type is a mistake of the client: 400.
   */
  const earlierRun = async (uid: string, name: string, userId: number, key?: string): Promise<Run | null> => {
    if (!key) return null;
    const previous = await getService(strapi, 'runs').findByIdempotencyKey(userId, key);
    if (previous && (previous.action !== name || previous.contentType !== uid)) {
      throw new errors.ValidationError(`idempotencyKey: already used for "${previous.action}" on ${previous.contentType} (run ${previous.id})`);
    }
    return previous;
  };

  /**
   * Writes a run row whose (user, idempotencyKey) the database keeps unique. Two confirms that both
   * passed the lookup above race here: the loser's insert fails on the unique index, and the
   * winner's run is what it answers. Without a key, the write is just the write.
   */
  const claimingKey = async (
    uid: string, name: string, userId: number, key: string | undefined, write: () => Promise<Run>
  ): Promise<{ run: Run; existing: boolean }> => {
    try {
      return { run: await write(), existing: false };
    } catch (error) {
      const winner = await earlierRun(uid, name, userId, key);
      if (!winner) throw error;
      return { run: winner, existing: true };
    }
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

    /** Starts a scheduled run at the next worker tick instead of at its time. */
    async runNow(run: Run): Promise<Run> {
      if (run.status !== 'scheduled') throw new errors.ApplicationError(`Run ${run.id} is ${run.status}, not scheduled`);
      const moved = await getService(strapi, 'runs').moveRunAt(run.id, new Date());
      if (!moved) throw new errors.ApplicationError(`Run ${run.id} is no longer scheduled`);
      getService(strapi, 'jobs').wake();
      return (await getService(strapi, 'runs').findOne(run.id))!;
    },

    /** Stops a scheduled or queued run at once, a running one between chunks; what was done stays done. */
    async cancel(run: Run): Promise<Run> {
      if (!['scheduled', 'queued', 'running'].includes(run.status)) {
        throw new errors.ApplicationError(`Run ${run.id} is already ${run.status}`);
      }
      const { run: current, cancelledNow } = await getService(strapi, 'runs').requestCancel(run.id);
      if (!current) throw new errors.NotFoundError(`No run ${run.id}`);
      return cancelledNow ? getService(strapi, 'executor').settle(current, { cancelled: true }) : current;
    },

    /**
     * Runs the same action again over every entry that failed (all of them, not only the first
     * 1,000 the run row lists), with the same params, as the caller: permissions apply anew.
     */
    async retry(run: Run, caller: Caller, delivery: Delivery = {}): Promise<RunStarted> {
      const failedIds = await getService(strapi, 'chunks').failedDocumentIds(run.id);
      if (!failedIds.length) throw new errors.ApplicationError(`Run ${run.id} has no failed entries to retry`);
      const definition = getService(strapi, 'actions').get(run.contentType, run.action);
      if (Object.values(definition?.form ?? {}).some((field) => field.secret)) {
        throw new errors.ApplicationError(`"${run.action}" has secret fields: run it again from the list view`);
      }
      const request: RunRequest = {
        selection: { documentIds: failedIds },
        ...(run.locale ? { locale: run.locale } : {}),
        params: run.params ?? {},
      };
      return this.run(run.contentType, run.action, request, caller, delivery);
    },

    /**
     * Undoes a run: a new run (action `revert`) over the entries it recorded changes for (or, for an
     * action with its own `revert`, the entries it did), with the original action's permissions
     * checked per record as for any run. Entries deleted by the run
     * exist nowhere to check conditions on: they come back only for a user whose create permission
     * has no conditions. The original is marked first, so two undos of one run cannot both start.
     */
    async revert(run: Run, caller: Caller, delivery: Delivery = {}): Promise<RunStarted> {
      if (!run.undo.available) throw new errors.ApplicationError(undoRefusal(run));
      const original = getService(strapi, 'actions').get(run.contentType, run.action);
      if (!original || !getService(strapi, 'actions').canUndo(original)) {
        throw new errors.ApplicationError(`"${run.action}" is no longer available for ${run.contentType}: run ${run.id} cannot be undone`);
      }
      getService(strapi, 'permissions').assertCanRun(caller.ability, run.contentType, original);
      const undo = getService(strapi, 'undo');
      // the action's own revert handler works over the entries the run did; otherwise the records
      // say which entries changed and how (a query-mode action may have recorded document versions)
      const own = Boolean(original.revert);
      // the records a chunk packed into one are read row by row from here on
      if (!own) await strapi.db.transaction(({ trx }) => undo.unpack(trx, run.id));
      const mode = own ? original.mode : await undo.recordedMode(run.id);
      const definition: BulkActionDefinition = { ...revertAction, permissions: original.permissions, mode } as BulkActionDefinition;
      const entries = own ? await getService(strapi, 'chunks').succeededDocumentIds(run.id) : await undo.recordedEntries(run.id);
      const selection = own
        ? await getService(strapi, 'selection').resolve({
            ability: caller.ability, uid: run.contentType, definition, selection: { documentIds: entries }, locale: run.locale,
          })
        : await getService(strapi, 'selection').resolveRecorded({
            ability: caller.ability, uid: run.contentType, definition, documentIds: entries, locale: run.locale,
            recorded: (ids) => undo.recordedEntities(run.id, ids, run.locale),
          });
      if (!(await getService(strapi, 'runs').markReverting(run.id))) {
        throw new errors.ApplicationError(`Run ${run.id} is being undone or was undone already`);
      }
      try {
        const params: RevertParams = { runId: run.id, mode, ...(own ? { own: true } : {}) };
        const started = await this.launch(
          {
            definition, uid: run.contentType, locale: run.locale, user: runUser(caller.user), params, selection, revertOf: run.id,
            request: { selection: { documentIds: entries }, ...(run.locale ? { locale: run.locale } : {}), params },
          },
          delivery
        );
        await getService(strapi, 'runs').markReverted(run.id, started.run.id);
        return started;
      } catch (error) {
        await getService(strapi, 'runs').markReverted(run.id, null);
        throw error;
      }
    },

    availableActions(uid: string) {
      assertActionable(uid);
      return getService(strapi, 'actions').list(uid).map((definition) => ({
        name: definition.name,
        label: definition.label,
        description: definition.description ?? null,
        destructive: Boolean(definition.confirm?.destructive),
        reasons: definition.reasons ?? {},
        messages: definition.messages ?? {},
      }));
    },

    async listActions(uid: string, ability: UserAbility) {
      assertActionable(uid);
      const enabled = await getService(strapi, 'settings').enabledActions(uid);
      return getService(strapi, 'actions')
        .list(uid)
        .filter((definition) => enabled.includes(definition.name))
        .filter((definition) => !getService(strapi, 'permissions').missingPermission(ability, uid, definition))
        .map((definition) => ({
          name: definition.name,
          label: definition.label,
          description: definition.description ?? null,
          mode: definition.mode,
          destructive: Boolean(definition.confirm?.destructive),
          revertible: getService(strapi, 'actions').canUndo(definition),
          previews: Boolean(definition.preview),
          form: getService(strapi, 'forms').describe(definition, uid, ability),
          confirm: { message: definition.confirm?.message ?? null, destructive: Boolean(definition.confirm?.destructive) },
          reasons: definition.reasons ?? {},
          messages: definition.messages ?? {},
        }));
    },

    /**
     * The preview; with `report`, the full dry run too: every entry's outcome and every planned
     * change, line by line (the selection's own skips first), for the downloadable report.
     */
    async preview(uid: string, name: string, request: PreviewRequest, caller: Caller, report?: (line: ReportLine) => void): Promise<PreviewResult> {
      const definition = await resolveAction(uid, name, caller.ability);
      if (report && (!definition.preview || request.params === undefined)) {
        const path = definition.preview ? ['params'] : ['name'];
        throw new errors.ValidationError(
          definition.preview ? 'params: the full dry run needs the params of the run' : `"${name}" has no dry run to download (it plans nothing before it runs)`,
          { errors: [{ path, message: 'no dry run', name: 'ValidationError' }] }
        );
      }
      const locale = await resolveLocale(uid, request.locale);
      const selection = await getService(strapi, 'selection').resolve({
        ability: caller.ability, uid, definition, selection: request.selection, locale,
      });
      const user = runUser(caller.user);
      const base = { definition, uid, locale, user, request };
      try {
        await getService(strapi, 'signals').emit(payload('requested', base, selection));
      } catch (error) {
        if (!isActionInterrupted(error)) throw error;
        const run = await this.recordInterrupted(base, selection, null, null, (error as Error).message);
        throw new RunInterruptedError((error as Error).message, run);
      }
      const result: PreviewResult = {
        total: selection.total,
        actionable: selection.permittedIds.length,
        skipped: selection.skipped,
        sample: await getService(strapi, 'selection').sample(uid, selection.permittedIds, selection.scope),
        skippedSample: await this.skippedSample(uid, selection, caller.ability),
      };
      if (request.params !== undefined && definition.preview) {
        const params = await getService(strapi, 'forms').validate(definition, uid, caller.ability, request.params, caller.user);
        await getService(strapi, 'forms').checkSelection(definition, uid, params, selection.permittedIds.length);
        if (report) {
          // the selection lists its first skipped entries only: the rest are counted per reason
          const listed: Record<string, number> = {};
          for (const entry of selection.skippedIds ?? []) {
            report({ key: entry.documentId, outcome: entry.reason });
            listed[entry.reason] = (listed[entry.reason] ?? 0) + 1;
          }
          for (const [reason, n] of Object.entries(selection.skipped ?? {})) {
            const more = Number(n) - (listed[reason] ?? 0);
            if (more > 0) report({ key: '', outcome: reason, message: `${more} more entries` });
          }
        }
        result.plan = await previewPlan(strapi, definition, {
          uid, locale, user, params, documentIds: selection.permittedIds, rowIds: selection.rowIds, scope: selection.scope,
        }, report);
      }
      if (request.params && Object.hasOwn(request.params, 'allLocales')) {
        // as a run's params: a 400 naming params.allLocales where the content type has no locales
        const params = await getService(strapi, 'forms').validate(definition, uid, caller.ability, request.params, caller.user);
        if (params.allLocales === true && locale) result.locales = await this.localeCounts(uid, definition, selection.permittedIds, caller.ability);
      }
      return result;
    },

    /** The preview of a run over every locale: per locale, the versions the run would act on and those it may not. */
    async localeCounts(uid: string, definition: BulkActionDefinition, documentIds: string[], ability: UserAbility) {
      const counts: Record<string, { actionable: number; forbidden: number }> = {};
      for (const ids of chunk(documentIds, ID_CHUNK)) {
        const access = await getService(strapi, 'permissions').localeAccess(ability, uid, definition.permissions, ids);
        for (const versions of access.values()) {
          for (const { locale, permitted } of versions) {
            const tally = (counts[locale] ??= { actionable: 0, forbidden: 0 });
            if (permitted) tally.actionable += 1;
            else tally.forbidden += 1;
          }
        }
      }
      return counts;
    },

    /**
     * The first skipped entries with their main field, where the user may read them: a forbidden
     * entry the user cannot read is named by its documentId only, a missing one has nothing else.
     */
    async skippedSample(uid: string, selection: ResolvedSelection, ability: UserAbility) {
      const entries = selection.skippedIds ?? [];
      if (!entries.length) return [];
      const readable = getService(strapi, 'permissions').readWhere(ability, uid);
      const selections = getService(strapi, 'selection');
      const labels = readable === null ? [] : await selections.sample(uid, entries.map((entry) => entry.documentId), selections.and(selection.scope, readable), entries.length);
      const labelOf = new Map(labels.map((entry) => [entry.documentId, entry.label]));
      return entries.map((entry) => ({ ...entry, label: labelOf.get(entry.documentId) ?? entry.documentId }));
    },

    /**
     * Hints for a `changes` form: the 10 most common current values of one field over the entries the
     * run would act on. The field must be one the form offers this user (updatable and readable).
     */
    async hints(uid: string, name: string, request: HintsRequest, caller: Caller): Promise<{ field: string; values: HintValue[] }> {
      const definition = await resolveAction(uid, name, caller.ability);
      if (!Object.values(definition.form ?? {}).some((field) => field.type === 'changes')) {
        throw new errors.ValidationError(`The action "${name}" has no changes to hint at`);
      }
      const permissions = getService(strapi, 'permissions');
      const byName: Record<string, EditableField> = Object.create(null);
      for (const field of editableFields(strapi, uid)) byName[field.name] = field;
      const field = byName[request.field];
      if (!field || !permissions.canUseField(caller.ability, uid, request.field, 'update') || !permissions.canUseField(caller.ability, uid, request.field, 'read')) {
        const path = ['body', 'field'];
        throw new errors.ValidationError(`body.field: "${request.field}" is not a field you may edit`, { errors: [{ path, message: 'is not a field you may edit', name: 'ValidationError' }] });
      }
      const locale = await resolveLocale(uid, request.locale);
      const selection = await getService(strapi, 'selection').resolve({ ability: caller.ability, uid, definition, selection: request.selection, locale });
      return { field: field.name, values: await fieldHints(strapi, uid, field, selection.permittedIds, locale) };
    },

    /** Writes the audit row of a run a signal stopped before any change. */
    async recordInterrupted(
      base: { definition: BulkActionDefinition; uid: string; locale: string | null; user: RunUser; request: PreviewRequest },
      selection: ResolvedSelection,
      params: Record<string, unknown> | null,
      idempotencyKey: string | null,
      message: string
    ): Promise<Run> {
      return getService(strapi, 'runs').recordInterrupted(
        {
          action: base.definition.name,
          contentType: base.uid,
          locale: base.locale,
          userId: base.user.id,
          userName: base.user.displayName,
          selectionKind: selection.kind,
          total: selection.total,
          params,
          idempotencyKey,
          skippedReasons: selection.skipped,
        },
        message
      );
    },

    /**
     * Confirms and starts a run: the selection is frozen, `start` fires, then the run executes inside
     * the request, or is queued for a worker when it is larger than the action's threshold.
     * Same idempotency key from the same user: the first run, not a second one.
     */
    async run(uid: string, name: string, request: RunRequest, caller: Caller, { acceptsFile = () => true }: Delivery = {}): Promise<RunStarted> {
      const definition = await resolveAction(uid, name, caller.ability);
      const user = runUser(caller.user);
      const previous = await earlierRun(uid, name, user.id, request.idempotencyKey);
      if (previous) return { kind: 'finished', run: previous };
      const locale = await resolveLocale(uid, request.locale);
      const params = await getService(strapi, 'forms').validate(definition, uid, caller.ability, request.params ?? {}, caller.user);
      const selection = await getService(strapi, 'selection').resolve({
        ability: caller.ability, uid, definition, selection: request.selection, locale,
      });
      await getService(strapi, 'forms').checkSelection(definition, uid, params, selection.permittedIds.length);
      const runAt = scheduledTime(request.runAt);
      return this.launch({ definition, uid, locale, user, request, params, selection, runAt }, { acceptsFile });
    },

    /**
     * Starts a run whose action, params and selection are resolved: `start` fires, the selection is
     * frozen with the run row, then the run executes inside the request or is queued.
     */
    async launch(
      resolved: {
        definition: BulkActionDefinition;
        uid: string;
        locale: string | null;
        user: RunUser;
        request: RunRequest;
        params: Record<string, unknown>;
        selection: ResolvedSelection;
        /** a revert: the run it undoes */
        revertOf?: number;
        /** a scheduled run: when a worker starts it */
        runAt?: Date | null;
      },
      { acceptsFile = () => true }: Delivery = {}
    ): Promise<RunStarted> {
      const { definition, uid, locale, user, request, params, selection } = resolved;
      const name = definition.name;
      const base = { definition, uid, locale, user, request };
      const auditParams = getService(strapi, 'forms').redact(definition, params);

      try {
        await getService(strapi, 'signals').emit(payload('start', base, selection, { params: auditParams }));
      } catch (error) {
        if (!isActionInterrupted(error)) throw error;
        const { run } = await claimingKey(uid, name, user.id, request.idempotencyKey, () =>
          this.recordInterrupted(base, selection, auditParams, request.idempotencyKey ?? null, (error as Error).message)
        );
        throw new RunInterruptedError((error as Error).message, run);
      }

      const thresholds = (strapi.config.get(`plugin::${PLUGIN_ID}.jobs`) as PluginConfig['jobs']).thresholds;
      const output = outputOf(definition, params);
      const threshold = output ? thresholds.export : thresholds[definition.mode];
      const scheduled = Boolean(resolved.runAt);
      const queued = scheduled || selection.permittedIds.length > threshold;
      const created = await claimingKey(uid, name, user.id, request.idempotencyKey, () => getService(strapi, 'runs').create(
        {
          action: name,
          contentType: uid,
          locale,
          userId: user.id,
          userName: user.displayName,
          selectionKind: selection.kind,
          total: selection.total,
          params: auditParams,
          idempotencyKey: request.idempotencyKey ?? null,
          skippedReasons: selection.skipped,
          revertible: getService(strapi, 'actions').canUndo(definition),
          revertOf: resolved.revertOf ?? null,
          runAt: resolved.runAt ?? null,
        },
        { status: scheduled ? 'scheduled' : queued ? 'queued' : 'running', claimedBy: queued ? null : getService(strapi, 'worker').id, params, selection: request.selection },
        selection.permittedIds,
        CHUNK_SIZE[definition.mode],
        selection.rowIds
      ));
      // a concurrent confirm with the same key made the run first: answer that run, change nothing
      if (created.existing) return { kind: 'finished', run: created.run };
      const run = created.run;

      if (queued) {
        if (!scheduled) getService(strapi, 'jobs').wake();
        return { kind: 'queued', run };
      }
      if (output && acceptsFile(output.contentType)) {
        // inline exports stream: the response starts while the chunks are read
        const { sink, stream } = createStreamSink({ assembly: output.assemble, date: fileDate(run.startedAt) });
        const model = getModel(strapi, uid);
        const completion = getService(strapi, 'executor')
          .execute(run.id, { output: sink })
          .catch((error: Error) => strapi.log.error(`bulk-actions: export run ${run.id} failed: ${error.message}`));
        return {
          kind: 'download',
          run,
          download: { filename: outputFileName(model, output.extension), contentType: output.contentType, stream },
          completion,
        };
      }
      return { kind: 'finished', run: await getService(strapi, 'executor').execute(run.id) };
    },
  };
};

export default createRunnerService;
export type RunnerService = ReturnType<typeof createRunnerService>;
