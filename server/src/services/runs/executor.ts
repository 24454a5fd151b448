import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, SKIP_REASONS, type Run, type RunNote, type RunStatus } from '../../contracts';
import type { OutputSink } from './outputs';
import { outputOf } from './files';
import { outcomeOf } from './queue';
import type { PluginConfig } from '../../config';
import { createRunContext, RunCancelled, RunPaused } from './run-context';
import { getService } from '../../utils/services';
import { RUN_FINISHED_EVENT } from '../../constants';
import { REVERT_ACTION } from '../../actions/revert';

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** `skipped`: entries left out for a reason the editor must see (not those that already held the result). */
export const statusOf = (succeeded: number, skipped: number, failed: number, crashed: boolean): RunStatus => {
  if (failed > 0 && succeeded === 0) return 'failed';
  if (crashed) return succeeded > 0 ? 'partial' : 'failed';
  return failed > 0 || skipped > 0 ? 'partial' : 'succeeded';
};

/** "12 entries done · 3 skipped: forbidden · 1 failed" */
export const summarize = (succeeded: number, skipped: Record<string, number>, failed: number) => {
  const parts = [`${succeeded} ${succeeded === 1 ? 'entry' : 'entries'} done`];
  const skippedTotal = Object.values(skipped).reduce((a, b) => a + b, 0);
  if (skippedTotal) {
    const reasons = Object.entries(skipped);
    const why = reasons.length === 1 ? reasons[0][0] : reasons.map(([reason, n]) => `${n} ${reason}`).join(', ');
    parts.push(`${skippedTotal} skipped: ${why}`);
  }
  if (failed) parts.push(`${failed} failed`);
  return parts.join(' · ');
};

/** "en: 3 done · fr: 2 done, 1 forbidden": a run over every locale, locale by locale. */
export const summarizeLocales = (localeCounts: Record<string, Record<string, number>> | null) =>
  Object.entries(localeCounts ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, counts]) => `${code}: ${Object.entries(counts).map(([outcome, n]) => `${n} ${outcome}`).join(', ')}`)
    .join(' · ');

/**
 * Executes a run whose selection is frozen in chunks: inline (inside the request, the run held by
 * this instance alone) or as a shared job (every instance's worker claims its chunks). Both use the
 * same code, so a run that outlives its process is resumed by the workers.
 */
const createExecutorService = ({ strapi }: { strapi: Core.Strapi }) => {
  const jobsConfig = () => strapi.config.get(`plugin::${PLUGIN_ID}.jobs`) as PluginConfig['jobs'];

  /** The run as it stands; a worker only works runs that exist, so a missing row is a bug to report. */
  const currentRun = async (runId: number): Promise<Run> => {
    const run = await getService(strapi, 'runs').findOne(runId);
    if (!run) throw new Error(`bulk-actions: run ${runId} no longer exists`);
    return run;
  };

  /** The permission words a run's per-locale checks use: an undo's are those of the action it undoes. */
  const permissionWords = async (run: Run, definition: { permissions: string[] }, params: Record<string, unknown>) => {
    if (run.action !== REVERT_ACTION || typeof params.runId !== 'number') return definition.permissions;
    const original = await getService(strapi, 'runs').findOne(params.runId);
    return (original && getService(strapi, 'actions').get(run.contentType, original.action)?.permissions) ?? definition.permissions;
  };

  return {
    /**
     * Works the run's chunks this worker can claim, then settles the run if nothing is left to anyone.
     * `output` is the response stream of an inline export; a shared job writes its file to the
     * database. Returns the run as it stands (finished unless other workers still hold chunks).
     */
    async execute(runId: number, { output: inlineOutput, shared = false }: { output?: OutputSink; shared?: boolean } = {}): Promise<Run> {
      const workerId = getService(strapi, 'worker').id;
      const { queue } = getService(strapi, 'chunks');
      // the run (inline) and the chunks this worker claims beat; a claim without a heartbeat is taken over
      const heartbeat = setInterval(() => void queue.beat(runId, workerId).catch(() => undefined), Math.max(250, jobsConfig().staleAfterMs / 3));
      try {
        return await this.executeClaimed(runId, workerId, { inlineOutput, shared });
      } finally {
        clearInterval(heartbeat);
      }
    },

    async executeClaimed(runId: number, workerId: string, { inlineOutput, shared }: { inlineOutput?: OutputSink; shared: boolean }): Promise<Run> {
      const chunks = getService(strapi, 'chunks');
      const run = await currentRun(runId);
      const job = await getService(strapi, 'runs').jobState(runId);
      const definition = getService(strapi, 'actions').definitionOf(run.contentType, run.action);
      if (!definition) {
        return this.settle(run, { error: new Error(`The action "${run.action}" is no longer available for ${run.contentType}`) });
      }

      const declared = outputOf(definition, job.params);
      let output: OutputSink | null = inlineOutput ?? null;
      if (!output && declared) {
        // a file whose first parts are not in the database cannot be completed: an inline download
        // whose process died, or a file an older version wrote to one instance's disk
        const lost = job.outputPath !== null || (job.outputName === null && (await chunks.queue.doneChunks(runId)) > 0);
        if (lost) {
          const error = new Error('The file of this export was written by an instance that stopped and cannot be completed: run the export again');
          await this.closeRemainingChunks(runId, workerId, error);
          return this.settle(run, { error, status: 'failed' });
        }
        if (job.outputName === null) await getService(strapi, 'runs').setOutput(runId, declared);
        output = getService(strapi, 'outputs').sink(runId);
      }

      const controller = new AbortController();
      const { context, messages } = createRunContext({
        strapi,
        runId,
        workerId,
        uid: run.contentType,
        locale: run.locale,
        user: { id: run.userId ?? 0, displayName: run.userName ?? '' },
        params: job.params ?? {},
        count: run.total - run.skipped,
        scope: getService(strapi, 'selection').rowScope(run.contentType, run.locale),
        signal: controller.signal,
        revertible: Boolean(definition.revertible),
        ability: () => getService(strapi, 'permissions').userAbility(run.userId),
        permissions: await permissionWords(run, definition, job.params ?? {}),
        shouldStop: async () => {
          if (getService(strapi, 'worker').isStopping()) return 'pause';
          const control = await chunks.queue.control(runId);
          if (control.cancelRequested) {
            controller.abort(); // handlers watching run.signal stop too
            return 'cancel';
          }
          if (!control.open) return 'lost'; // settled elsewhere
          // an inline run is this worker's alone until another worker took it over (our heartbeat
          // went stale); a shared run has no holder, its chunks have
          return control.claimedBy === (shared ? null : workerId) ? null : 'lost';
        },
        output,
      });

      let error: Error | undefined;
      let cancelled = false;
      try {
        await definition.handler(context);
      } catch (caught) {
        if (caught instanceof RunPaused) {
          await chunks.release(runId, workerId);
          if (!caught.lost) await chunks.queue.releaseRun(runId, workerId);
          return this.leave(runId, inlineOutput);
        }
        if (caught instanceof RunCancelled) cancelled = true;
        else {
          error = caught instanceof Error ? caught : new Error(String(caught));
          strapi.log.error(`bulk-actions: run ${runId} ("${run.action}" on ${run.contentType}) failed: ${error.message}`);
        }
      }
      if (cancelled) {
        // the last worker to let go of the run settles it, so its counts are final
        await chunks.release(runId, workerId);
        if ((await chunks.queue.liveClaims(runId, chunks.staleBefore())) > 0) return this.leave(runId, inlineOutput);
      } else {
        try {
          await this.closeRemainingChunks(runId, workerId, error);
        } catch (caught) {
          error = error ?? (caught as Error);
        }
        // chunks other workers hold: the one completing the last chunk settles
        if (!error && (await chunks.queue.pendingChunks(runId)) > 0) return this.leave(runId, inlineOutput);
      }
      // settle before the output ends: whoever reads the whole file then sees the finished run
      // (an export that failed leaves an incomplete file: never served as a success)
      const finished = await this.settle(run, { error, cancelled, messages, status: error && declared ? 'failed' : undefined });
      if (output) {
        if (error) output.fail(error);
        else await output.end();
      }
      return finished;
    },

    /** This worker stops without settling; an inline download it was streaming is cut, never passed off as complete. */
    async leave(runId: number, inlineOutput?: OutputSink): Promise<Run> {
      inlineOutput?.fail(new Error('The run was taken over by another worker'));
      return currentRun(runId);
    },

    /**
     * Chunks the handler did not walk and nobody else holds: done when it returned, failed with its
     * error when it threw.
     */
    async closeRemainingChunks(runId: number, workerId: string, error?: Error) {
      const chunks = getService(strapi, 'chunks');
      const seen = new Set<number>();
      for (let row = await chunks.claim(runId, workerId); row && !seen.has(row.id); row = await chunks.claim(runId, workerId)) {
        seen.add(row.id);
        const outcomes = { ...(row.outcomes ?? {}) };
        if (error) for (const id of row.documentIds) outcomes[id] = outcomeOf(outcomes, id) ?? { failed: error.message };
        await chunks.process(runId, row, workerId, async () => outcomes);
      }
    },

    /** Final status, message, `end` signal and webhook: exactly once per run, by whoever settles it first. */
    async settle(
      run: Run,
      { error, cancelled = false, messages = [], status: forced }: { error?: Error; cancelled?: boolean; messages?: RunNote[]; status?: RunStatus }
    ) {
      const job = await getService(strapi, 'runs').jobState(run.id);
      const finished = await getService(strapi, 'runs').settle(run.id, (counts: Run) => {
        const status = forced ?? (cancelled ? 'cancelled' : statusOf(counts.succeeded, counts.skipped - (counts.skippedReasons[SKIP_REASONS.unchanged] ?? 0), counts.failed, Boolean(error)));
        // the error's text is the server's own (a handler's exception, a database error): not translated
        const notes: RunNote[] = [...(error ? [{ level: 'error' as const, text: error.message }] : []), ...messages];
        const message = [
          ...notes.map(({ level, text }) => (level === 'info' ? text : `${level === 'error' ? 'Error' : level}: ${text}`)),
          cancelled ? 'Cancelled before it finished.' : null,
          summarize(counts.succeeded, counts.skippedReasons, counts.failed),
          summarizeLocales(counts.localeCounts) || null,
        ]
          .filter(Boolean)
          .join('\n');
        return { status, message, notes };
      });
      if (!finished) return currentRun(run.id); // settled elsewhere
      await getService(strapi, 'signals').emit({
        event: 'end',
        action: finished.action,
        contentType: finished.contentType,
        locale: finished.locale,
        user: { id: finished.userId ?? 0, displayName: finished.userName ?? '' },
        selection: job.selection,
        total: finished.total,
        actionable: finished.total - sum(job.selectionSkipped),
        skipped: finished.skippedReasons,
        params: finished.params ?? undefined,
        run: finished,
        failures: finished.failures,
      });
      const { failures: _failures, params: _params, ...summary } = finished;
      strapi.eventHub.emit(RUN_FINISHED_EVENT, { run: summary });
      return finished;
    },
  };
};

export default createExecutorService;
export type ExecutorService = ReturnType<typeof createExecutorService>;
