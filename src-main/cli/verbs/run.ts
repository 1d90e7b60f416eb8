/** `timer-lab run`: one simulated run, stored (or not, with --no-save), its summary printed. */
import { MAX_TRACE_TIMER_EVENTS, type RunDetail } from '../../../src-shared/contract.js';
import { STRATEGIES } from '../../../src-shared/strategies.js';
import { TRACE_TIMER_EVENTS } from '../../api/index.js';
import { toTraceCmdReport } from '../../formats/index.js';
import { UsageError } from '../args.js';
import type { CliContext } from '../context.js';
import type { OutputFile } from '../output-file.js';
import { summaryText } from '../output.js';
import { acrossText, configurations } from '../repeats-text.js';
import { repeated, repeatFlag, requireOne, RUN_OPTIONS, runSpec, warnHostSettingsWithoutEffect } from '../run-spec.js';
import { defineVerb } from '../verb.js';
import { RunWatcher } from '../wait.js';

export const run = defineVerb({
  name: 'run',
  summary: 'simulate one run (--workload W --strategy S) and store it',
  options: {
    ...RUN_OPTIONS,
    strategy: { type: 'string', value: 'S', help: `timer strategy: ${STRATEGIES.join(', ')}` },
    trace: { type: 'string', value: 'FILE', help: 'also write the trace of up to 50 000 timer events as trace-cmd report text' },
    'trace-ts': { type: 'string', value: 'us|ns', default: 'us', help: 'timestamps of --trace: µs (trace-cmd report) or ns (report -t)' },
    'no-save': { type: 'boolean', default: false, help: 'print the result without storing the run' },
  },
  notes: 'Every stored run keeps the trace of its first timer events, so trace exports work. Ctrl-C, SIGTERM or SIGHUP cancels the run (stored as cancelled, with the samples it finished).',
  async run(ctx, v) {
    const traceTs = requireOne('trace-ts', v['trace-ts'], ['us', 'ns'] as const);
    const traceFile = v.trace === undefined ? null : ctx.outputFile('trace', v.trace);
    const wantTrace = traceFile !== null;
    const samples = Number(v.samples ?? 10_000);
    const spec = runSpec(ctx, v, v.strategy, {
      trace: true,
      traceTimerEvents: wantTrace ? Math.min(samples + 1, MAX_TRACE_TIMER_EVENTS) : TRACE_TIMER_EVENTS,
    });
    await warnHostSettingsWithoutEffect(ctx, spec);
    const repeat = repeatFlag(v.repeat);
    if (repeat > 1 && (v['no-save'] || wantTrace)) throw new UsageError(`--repeat stores its runs in one experiment: it cannot go with ${v['no-save'] ? '--no-save' : '--trace'}`);
    const watcher = new RunWatcher(ctx);
    if (repeat > 1) {
      const specs = repeated(spec, repeat);
      const { experimentId, runIds } = await ctx.call('experiments:submit', { name: v.name ?? `${spec.workload} · ${spec.strategy} × ${repeat} seeds`, notes: '', tags: v.tag ?? [], runs: specs });
      const details = await watcher.wait(runIds, `experiment ${experimentId}`);
      return finishRepeats(ctx, experimentId, details, specs.map((s) => s.set ?? {}), watcher.cancelledExitCode);
    }
    if (v['no-save']) {
      const shown = watcher.followUnsaved('run');
      let result;
      try {
        result = await ctx.call('runs:simulate', { run: spec });
      } finally {
        shown.end();
      }
      if (traceFile && result.trace) {
        const profile = await ctx.call('profiles:get', { name: spec.profile ?? 'HSW-2016' });
        traceFile.write(toTraceCmdReport(result.trace, { tscKhz: profile.tsc_khz, nsTimestamps: traceTs === 'ns' }));
      }
      ctx.out(ctx.json ? JSON.stringify(result.summary) : summaryText(result.summary));
      return 0;
    }
    const { runIds } = await ctx.call('experiments:submit', { name: v.name ?? 'experiment', notes: '', tags: v.tag ?? [], runs: [spec] });
    const [detail] = await watcher.wait(runIds, `run ${runIds[0]}`);
    return finishRun(ctx, detail!, traceFile ? { file: traceFile, ts: traceTs } : null, watcher.cancelledExitCode);
  },
});

/** The runs of `run --repeat N`: each one's statistics, then the spread across them. */
function finishRepeats(ctx: CliContext, experimentId: number, details: RunDetail[], sets: Array<Record<string, unknown>>, cancelledExitCode: number): number {
  const configs = configurations(details, sets);
  if (ctx.json) {
    ctx.out(JSON.stringify({ experimentId, runs: details.map((d) => ({ id: d.id, status: d.status, error: d.error, ...(d.summary ?? {}) })), configurations: configs }));
  } else {
    ctx.out(`experiment ${experimentId}`);
    for (const d of details) ctx.out(d.summary ? summaryText(d.summary, d.id) : `run ${d.id} ${d.status}${d.error ? `: ${d.error}` : ''}`);
    const unit = details.find((d) => d.summary)?.summary?.latency.unit ?? 'cycles';
    for (const c of configs) ctx.out(acrossText(c, unit));
  }
  const failed = details.filter((d) => d.status !== 'done');
  if (failed.length === 0) return 0;
  return failed.every((d) => d.status === 'cancelled') ? cancelledExitCode : 1;
}

async function finishRun(ctx: CliContext, detail: RunDetail, trace: { file: OutputFile; ts: 'us' | 'ns' } | null, cancelledExitCode: number): Promise<number> {
  if (detail.status !== 'done' || !detail.summary) {
    process.stderr.write(`timer-lab: run ${detail.id} ${detail.status}${detail.error ? `: ${detail.error}` : ''}\n`);
    return detail.status === 'cancelled' ? cancelledExitCode : 1;
  }
  if (trace) {
    const file = await ctx.call('export', { ids: [detail.id], format: 'trace-cmd', traceTs: trace.ts });
    trace.file.write(file.content);
  }
  ctx.out(ctx.json ? JSON.stringify({ id: detail.id, ...detail.summary }) : summaryText(detail.summary, detail.id));
  return 0;
}
