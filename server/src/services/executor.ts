import path from 'path';
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, type Run, type RunStatus } from '../contracts';
import type { BulkActionDefinition } from '../types';
import type { OutputSink } from './outputs';
import { openFileSink } from './outputs';
import type { JobState } from './runs';
import type { PluginConfig } from '../config';

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
import { createRunContext, RunCancelled, RunPaused } from './run-context';

export const RUN_FINISHED_EVENT = 'bulk-actions.run.finished';

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

/**
 * Executes a run whose selection is frozen in chunks: inline (inside the request) or as a job (a
 * worker). Both use the same code, so a run that outlives its process is resumed by a worker.
 */
const createExecutorService = ({ strapi }: { strapi: Core.Strapi }) => {
  const service = (name: string) => strapi.plugin(PLUGIN_ID).service(name);

  const exportFile = (runId: number, extension: string) => {
    const dir = strapi.config.get(`plugin::${PLUGIN_ID}.jobs.exportDir`) as string | undefined;
    return path.join(dir ?? path.join(strapi.dirs.app.root, '.tmp', 'bulk-actions-exports'), `run-${runId}.${extension}`);
  };

  return {
    exportFile,

    /**
     * Runs the handler over the pending chunks, then settles the run. `output` is the response stream
     * of an inline export; a job writes its file. Returns the finished (or cancelled) run.
     */
    async execute(runId: number, { output: inlineOutput }: { output?: OutputSink } = {}): Promise<Run> {
      const { workerId } = service('jobs');
      const staleAfterMs = (strapi.config.get(`plugin::${PLUGIN_ID}.jobs`) as PluginConfig['jobs']).staleAfterMs;
      // inline runs and jobs alike: a run without a heartbeat is taken over by another worker
      const heartbeat = setInterval(() => void service('runs').beat(runId, workerId).catch(() => undefined), Math.max(250, staleAfterMs / 3));
      try {
        return await this.executeClaimed(runId, workerId, inlineOutput);
      } finally {
        clearInterval(heartbeat);
      }
    },

    async executeClaimed(runId: number, workerId: string, inlineOutput?: OutputSink): Promise<Run> {
      const run: Run = await service('runs').findOne(runId);
      const job = await service('runs').jobState(runId);
      const definition: BulkActionDefinition | undefined = service('actions').get(run.contentType, run.action);
      if (!definition) {
        return this.settle(run, { error: new Error(`The action "${run.action}" is no longer available for ${run.contentType}`) });
      }

      let output: OutputSink | null = inlineOutput ?? null;
      if (!output && definition.output) {
        const file = job.outputPath ?? exportFile(runId, definition.output.extension);
        output = await openFileSink(file, await service('chunks').committedOutputOffset(runId));
        if (!job.outputPath) await service('runs').setOutput(runId, file, definition.output);
      }

      const controller = new AbortController();
      const { context, messages } = createRunContext({
        strapi,
        runId,
        uid: run.contentType,
        locale: run.locale,
        user: { id: run.userId ?? 0, displayName: run.userName ?? '' },
        params: job.params ?? {},
        count: run.total - run.skipped,
        scope: service('selection').rowScope(run.contentType, run.locale),
        signal: controller.signal,
        shouldStop: async () => {
          if (service('jobs').isStopping()) return 'pause';
          const control = await service('runs').control(runId);
          if (control.cancelRequested) {
            controller.abort(); // handlers watching run.signal stop too
            return 'cancel';
          }
          // another worker took the run over (our heartbeat went stale): leave it to them
          return control.claimedBy === workerId ? null : 'lost';
        },
        output,
      });

      let error: Error | undefined;
      let cancelled = false;
      try {
        await definition.handler(context);
      } catch (caught) {
        if (caught instanceof RunPaused) {
          await output?.end();
          if (!caught.lost) await service('jobs').release(runId);
          return service('runs').findOne(runId);
        }
        if (caught instanceof RunCancelled) cancelled = true;
        else {
          error = caught instanceof Error ? caught : new Error(String(caught));
          strapi.log.error(`bulk-actions: run ${runId} ("${run.action}" on ${run.contentType}) failed: ${error.message}`);
        }
      }
      if (!cancelled) {
        try {
          await this.closeRemainingChunks(runId, error);
        } catch (caught) {
          error = error ?? (caught as Error);
        }
      }
      // settle before the output ends: whoever reads the whole file then sees the finished run
      const finished = await this.settle(run, { error, cancelled, messages });
      if (output) {
        if (error) output.fail(error);
        else await output.end();
      }
      return finished;
    },

    /** Chunks the handler did not walk: done when it returned, failed with its error when it threw. */
    async closeRemainingChunks(runId: number, error?: Error) {
      const chunks = service('chunks');
      for (let row = await chunks.nextPending(runId); row; row = await chunks.nextPending(runId, row.position)) {
        const outcomes = { ...(row.outcomes ?? {}) };
        if (error) for (const id of row.documentIds) outcomes[id] = outcomes[id] ?? { failed: error.message };
        await chunks.process(runId, row, async () => ({ outcomes }));
      }
    },

    /** Final status, message, `end` signal and webhook: exactly once per run, by whoever settles it first. */
    async settle(run: Run, { error, cancelled = false, messages = [] }: { error?: Error; cancelled?: boolean; messages?: string[] }) {
      const counts: Run = await service('runs').findOne(run.id);
      const job: JobState = await service('runs').jobState(run.id);
      const status = cancelled ? 'cancelled' : statusOf(counts.succeeded, counts.skipped, counts.failed, Boolean(error));
      const message = [
        error ? `Error: ${error.message}` : null,
        cancelled ? 'Cancelled before it finished.' : null,
        ...messages,
        summarize(counts.succeeded, counts.skippedReasons, counts.failed),
      ]
        .filter(Boolean)
        .join('\n');
      const finished: Run | null = await service('runs').settle(run.id, status, message);
      if (!finished) return service('runs').findOne(run.id); // settled elsewhere
      await service('signals').emit({
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
