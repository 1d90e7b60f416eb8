/**
 * The CLI verbs, each a small function over the API. Must not import the engine.
 */
import { accessSync, constants, createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CALLS, EXPORT_FORMATS, IMPORT_FORMATS, MAX_IMPORT_BYTES, type ImportFormat, type RunDetail } from '../../src-shared/contract.js';
import { paramAppliesTo, settableNames } from '../../src-shared/config.js';
import { MAX_SAMPLES, STRATEGIES, WORKLOADS } from '../../src-shared/workloads.js';
import { ApiError, TRACE_TIMER_EVENTS } from '../api/index.js';
import { parseLineStream } from '../formats/index.js';
import { startWebServer } from '../web/server.js';
import { collectSets, idArgs, intFlag, parse, UsageError } from './args.js';
import { renderChartFile, CHART_KINDS } from './charts.js';
import { compareText, detailText, listText, progressLine, summaryText } from './output.js';
import { verdictOf, writeOut, type CliContext } from './timer-lab.js';

type Verb = (ctx: CliContext, argv: string[]) => Promise<number>;

const RUN_OPTIONS = {
  workload: { type: 'string' },
  profile: { type: 'string', default: 'HSW-2016' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  set: { type: 'string', multiple: true },
  name: { type: 'string' },
  tag: { type: 'string', multiple: true },
} as const;

function requireOne<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T {
  if (raw === undefined) throw new UsageError(`--${flag} is required (one of ${allowed.join(', ')})`);
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${flag}: "${raw}" is not one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

function runSpec(
  v: { workload?: string | undefined; profile?: string | undefined; samples?: string | undefined; seed?: string | undefined; set?: string[] | undefined },
  strategy: string | undefined,
  trace: boolean,
  strategyFlag = 'strategy',
  warn = true,
) {
  const workload = requireOne('workload', v.workload, WORKLOADS);
  const set = collectSets(v.set);
  for (const name of Object.keys(set)) {
    if (paramAppliesTo(name, workload)) continue;
    if (warn) process.stderr.write(`timer-lab: warning: --set ${name} does not apply to ${workload} (ignored)\n`);
    delete set[name];
  }
  return {
    workload,
    strategy: requireOne(strategyFlag, strategy, STRATEGIES),
    profile: v.profile ?? 'HSW-2016',
    samples: intFlag('samples', v.samples, 1, MAX_SAMPLES) ?? 10_000,
    seed: intFlag('seed', v.seed, 0, Number.MAX_SAFE_INTEGER) ?? 1,
    set,
    trace,
  };
}

/** Waits for runs submitted by this process, showing progress for the long ones. */
async function waitForRuns(ctx: CliContext, ids: number[], label: string): Promise<RunDetail[]> {
  const bar = progressLine(label);
  const done = new Map<number, { done: number; total: number; rate: number }>();
  const off = ctx.lab.subscribe((channel, payload) => {
    if (channel !== 'run:progress') return;
    const p = payload as { runId: number; done: number; total: number; samplesPerSec: number };
    if (!ids.includes(p.runId)) return;
    // the final "done" push carries no rate: keep the last measured one
    const rate = p.samplesPerSec > 0 ? p.samplesPerSec : (done.get(p.runId)?.rate ?? 0);
    done.set(p.runId, { done: p.done, total: p.total, rate });
    let d = 0;
    let t = 0;
    let r = 0;
    for (const v of done.values()) {
      d += v.done;
      t += v.total;
      r += v.rate;
    }
    bar.update(d, t, r, r > 0 ? (t - d) / r : null);
  });
  // Ctrl-C cancels the runs (stored as cancelled, like Cancel in the app) instead of killing them.
  const onSigint = () => {
    bar.end();
    process.stderr.write('\ntimer-lab: cancelling (Ctrl-C)…\n');
    for (const id of ids) ctx.lab.cancel(id);
  };
  process.once('SIGINT', onSigint);
  try {
    await Promise.all(ids.map((id) => ctx.lab.waitForRun(id)));
  } finally {
    process.off('SIGINT', onSigint);
    off();
    bar.end();
  }
  return ids.map((id) => ctx.lab.getRun(id));
}

/** Fails before any work when FILE cannot be written. */
function checkWritable(file: string): void {
  try {
    if (existsSync(file)) {
      if (!statSync(file).isFile()) throw new Error('not a file');
      accessSync(file, constants.W_OK);
    } else accessSync(dirname(resolve(file)), constants.W_OK);
  } catch {
    throw new UsageError(`--trace ${file}: cannot write there (not a file, no such folder or no permission)`);
  }
}

const run: Verb = async (ctx, argv) => {
  const { values: v } = parse(argv, {
    ...RUN_OPTIONS,
    strategy: { type: 'string' },
    trace: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
  });
  // Every CLI run keeps the trace of its first timer events (like the app), so trace exports work;
  // --trace FILE also writes it, for up to 50 000 timer events.
  const spec = runSpec(v, v.strategy, true);
  const traceTimerEvents = v.trace !== undefined ? Math.min(spec.samples + 1, 50_000) : TRACE_TIMER_EVENTS;
  if (v.trace !== undefined) checkWritable(v.trace);
  if (v['no-save']) {
    const config = ctx.lab.configFor(spec);
    const bar = progressLine('run');
    const merged = await ctx.lab.runUnsaved(config, {
      trace: spec.trace,
      traceTimerEvents,
      onProgress: (p) => bar.update(p.done, p.total, p.samplesPerSec, p.etaSec),
    });
    bar.end();
    if (v.trace !== undefined && merged.trace) {
      const { toTraceCmdReport } = await import('../formats/index.js');
      writeOut(v.trace, toTraceCmdReport(merged.trace, { tscKhz: config.profile.tsc_khz }));
    }
    ctx.out(ctx.json ? JSON.stringify(merged.summary) : summaryText(merged.summary));
    return 0;
  }
  const { runIds } = ctx.lab.submitExperiment(
    CALLS['experiments:submit'].parse({ name: v.name ?? 'experiment', notes: '', tags: v.tag ?? [], runs: [spec] }),
    { traceTimerEvents },
  );
  const [detail] = await waitForRuns(ctx, runIds, `run ${runIds[0]}`);
  return finishRun(ctx, detail!, v.trace);
};

async function finishRun(ctx: CliContext, detail: RunDetail, traceFile: string | undefined): Promise<number> {
  if (detail.status !== 'done' || !detail.summary) {
    process.stderr.write(`timer-lab: run ${detail.id} ${detail.status}${detail.error ? `: ${detail.error}` : ''}\n`);
    return detail.status === 'cancelled' ? 130 : 1;
  }
  if (traceFile !== undefined) {
    const file = await ctx.call('export', { ids: [detail.id], format: 'trace-cmd' });
    writeOut(traceFile, file.content);
  }
  ctx.out(ctx.json ? JSON.stringify({ id: detail.id, ...detail.summary }) : summaryText(detail.summary, detail.id));
  return 0;
}

const experiment: Verb = async (ctx, argv) => {
  const { values: v } = parse(argv, { ...RUN_OPTIONS, strategies: { type: 'string', default: STRATEGIES.join(',') }, notes: { type: 'string' } });
  const strategies = (v.strategies ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (strategies.length === 0) throw new UsageError('--strategies: give at least one strategy');
  const runs = strategies.map((s, i) => runSpec(v, s, true, 'strategies', i === 0));
  const { experimentId, runIds } = ctx.lab.submitExperiment(
    CALLS['experiments:submit'].parse({
      name: v.name ?? `${runs[0]!.workload}: ${strategies.join(' vs ')}`,
      notes: v.notes ?? '',
      tags: v.tag ?? [],
      runs,
    }),
  );
  const details = await waitForRuns(ctx, runIds, `experiment ${experimentId}`);
  const failed = details.filter((d) => d.status !== 'done');
  if (ctx.json) {
    ctx.out(JSON.stringify({ experimentId, runs: details.map((d) => ({ id: d.id, status: d.status, error: d.error, ...(d.summary ?? {}) })) }));
  } else {
    ctx.out(`experiment ${experimentId}`);
    for (const d of details) ctx.out(d.summary ? summaryText(d.summary, d.id) : `run ${d.id} ${d.status}${d.error ? `: ${d.error}` : ''}`);
    if (details.length >= 2 && failed.length === 0) {
      const c = await ctx.call('compare', { ids: runIds });
      ctx.out(compareText(c, verdictOf(c)));
    }
  }
  if (failed.length === 0) return 0;
  return failed.every((d) => d.status === 'cancelled') ? 130 : 1;
};

const list: Verb = async (ctx, argv) => {
  const { values: v } = parse(argv, {
    workload: { type: 'string' },
    strategy: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string' },
    tag: { type: 'string' },
    text: { type: 'string' },
    limit: { type: 'string' },
  });
  const filter: Record<string, unknown> = {};
  for (const k of ['workload', 'strategy', 'kind', 'status', 'tag', 'text'] as const) if (v[k] !== undefined) filter[k] = v[k];
  const limit = intFlag('limit', v.limit, 1, 10_000);
  if (limit !== undefined) filter.limit = limit;
  const rows = await ctx.call('runs:list', filter as never);
  ctx.out(ctx.json ? JSON.stringify(rows) : listText(rows));
  return 0;
};

const show: Verb = async (ctx, argv) => {
  const { positionals } = parse(argv, {}, true);
  const [id] = idArgs(positionals);
  const d = await ctx.call('runs:get', { id: id! });
  ctx.out(ctx.json ? JSON.stringify(d) : detailText(d));
  return 0;
};

const compare: Verb = async (ctx, argv) => {
  const { values: v, positionals } = parse(argv, { baseline: { type: 'string' }, threshold: { type: 'string' } }, true);
  const ids = idArgs(positionals);
  if (ids.length < 2) throw new UsageError('compare needs at least two run ids');
  const baseline = intFlag('baseline', v.baseline, 1, Number.MAX_SAFE_INTEGER);
  const threshold = v.threshold === undefined ? 1 : Number(v.threshold);
  if (!(threshold >= 0 && threshold <= 100)) throw new UsageError(`--threshold: expected a percentage 0–100, got "${v.threshold}"`);
  const c = await ctx.call('compare', { ids, ...(baseline !== undefined ? { baseline } : {}), noiseThresholdPct: threshold });
  if (ctx.json) {
    ctx.out(
      JSON.stringify({
        baseline: c.baseline,
        unit: c.unit,
        warnings: c.warnings,
        runs: c.runs.map((r) => ({
          id: r.id,
          mean: r.mean,
          p50: r.p50,
          p90: r.p90,
          p99: r.p99,
          p999: r.p999,
          max: r.max,
          deltaPct: r.deltaPct,
          pValue: r.pValue,
          ci95: r.ci95,
          significant: r.significant,
        })),
      }),
    );
  } else ctx.out(compareText(c, verdictOf(c)));
  return 0;
};

const rm: Verb = async (ctx, argv) => {
  const { positionals } = parse(argv, {}, true);
  const r = await ctx.call('runs:delete', { ids: idArgs(positionals) });
  ctx.out(ctx.json ? JSON.stringify(r) : `deleted ${r.deleted} run(s)`);
  return 0;
};

const tag: Verb = async (ctx, argv) => {
  const { values: v, positionals } = parse(argv, { remove: { type: 'boolean', default: false } }, true);
  const [idText, ...tags] = positionals;
  const [id] = idArgs(idText === undefined ? [] : [idText]);
  if (tags.length === 0) throw new UsageError('tag: expected ID TAG [TAG…]');
  const current = (await ctx.call('runs:get', { id: id! })).tags;
  const next = v.remove ? current.filter((t) => !tags.includes(t)) : [...current, ...tags];
  await ctx.call('runs:tag', { id: id!, tags: next });
  const after = (await ctx.call('runs:get', { id: id! })).tags;
  ctx.out(ctx.json ? JSON.stringify({ id, tags: after }) : `run ${id} tags: ${after.join(', ') || '(none)'}`);
  return 0;
};

const exportVerb: Verb = async (ctx, argv) => {
  const { values: v, positionals } = parse(argv, { format: { type: 'string' }, out: { type: 'string' }, chart: { type: 'string' } }, true);
  const ids = idArgs(positionals);
  const formats = [...EXPORT_FORMATS, 'png', 'svg'] as const;
  const format = requireOne('format', v.format, formats);
  if (!v.out) throw new UsageError('--out FILE is required');
  if (format === 'png' || format === 'svg') {
    const chart = requireOne('chart', v.chart ?? (ids.length > 1 ? 'cdf' : 'histogram'), CHART_KINDS);
    const bytes = await renderChartFile(ctx, ids, chart, format);
    writeOut(v.out, bytes);
  } else {
    const file = await ctx.call('export', { ids, format });
    writeOut(v.out, file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content);
  }
  ctx.out(ctx.json ? JSON.stringify({ out: resolve(v.out), format }) : `wrote ${v.out}`);
  return 0;
};

const importVerb: Verb = async (ctx, argv) => {
  const { values: v, positionals } = parse(argv, { format: { type: 'string' }, name: { type: 'string' }, 'tsc-khz': { type: 'string' }, unit: { type: 'string' } }, true);
  const unitHint = v.unit === undefined ? undefined : requireOne('unit', v.unit, ['us', 'ns'] as const);
  if (positionals.length !== 1) throw new UsageError('import: expected exactly one FILE');
  const file = positionals[0]!;
  const format = v.format === undefined ? undefined : requireOne<ImportFormat>('format', v.format, IMPORT_FORMATS);
  const tscKhz = intFlag('tsc-khz', v['tsc-khz'], 100_000, 10_000_000);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (err) {
    throw new ApiError('bad-input', `cannot read ${file}: ${(err as Error).message}`);
  }
  if (size > MAX_IMPORT_BYTES) throw new ApiError('bad-input', `${file} is larger than ${MAX_IMPORT_BYTES / 1048576} MB`);
  const hash = createHash('sha256');
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let bytes = 0;
  stream.on('data', (chunk) => {
    hash.update(chunk);
    bytes += Buffer.byteLength(chunk as string);
  });
  const bar = progressLine(`import ${basename(file)}`, 'bytes');
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let parsed;
  try {
    parsed = await parseLineStream(lines, format, () => bar.update(bytes, size, 0, null), unitHint ? { unitHint } : {});
  } finally {
    bar.end();
    stream.destroy();
  }
  const runId = ctx.lab.importParsed(parsed, {
    fileName: basename(file),
    sha256: hash.digest('hex'),
    ...(v.name ? { name: v.name } : {}),
    ...(tscKhz ? { tscKhz } : {}),
  });
  for (const w of parsed.warnings) process.stderr.write(`timer-lab: warning: ${w}\n`);
  ctx.out(ctx.json ? JSON.stringify({ runId, format: parsed.format, warnings: parsed.warnings }) : `imported ${file} as run ${runId} (${parsed.format})`);
  return 0;
};

const profiles: Verb = async (ctx, argv) => {
  const { values: v, positionals } = parse(argv, { add: { type: 'string' } }, true);
  if (v.add !== undefined) {
    let profile: unknown;
    try {
      profile = JSON.parse(readFileSync(v.add, 'utf8'));
    } catch (err) {
      throw new ApiError('bad-input', `--add ${v.add}: ${(err as Error).message}`);
    }
    await ctx.call('profiles:save', { profile });
    ctx.out(`saved profile ${(profile as { name?: string }).name ?? ''}`);
    return 0;
  }
  if (positionals.length > 0) {
    const p = await ctx.call('profiles:get', { name: positionals[0]! });
    if (ctx.json) ctx.out(JSON.stringify(p, null, 2));
    else {
      ctx.out(`${p.name}: ${p.description}\ntsc_khz ${p.tsc_khz}, X ${p.X}`);
      for (const [k, c] of Object.entries(p.costs)) ctx.out(`  ${k.padEnd(32)} ${String(c.cycles).padStart(6)} ±${(c.jitter * 100).toFixed(0)}%  ${c.meaning} [${c.basis}]`);
      ctx.out(`\nSettable with --set: ${settableNames().join(', ')}`);
    }
    return 0;
  }
  const rows = await ctx.call('profiles:list', {});
  ctx.out(ctx.json ? JSON.stringify(rows) : rows.map((p) => `${p.name}${p.builtIn ? ' (built-in)' : ''}: ${p.description}`).join('\n'));
  return 0;
};

const serve: Verb = async (ctx, argv) => {
  const { values: v } = parse(argv, { port: { type: 'string' } });
  const port = intFlag('port', v.port, 0, 65535) ?? 0;
  const here = dirname(fileURLToPath(import.meta.url));
  const staticDir = resolve(here, '..', '..', '..', 'dist-renderer');
  const server = await startWebServer({ api: ctx.api, port, staticDir });
  const url = new URL(`/?token=${server.token}`, server.url).toString();
  ctx.out(ctx.json ? JSON.stringify({ url, token: server.token, port: server.port }) : `Timer Lab web mode: ${url}\n(listening on 127.0.0.1 only; Ctrl+C to stop)`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
};

/** `check`: the full integrity check of the database; exit code 1 when it finds problems. */
const check: Verb = async (ctx, argv) => {
  parse(argv, {});
  const { file } = ctx.lab.store;
  const problems = ctx.lab.store.checkIntegrity();
  if (ctx.json) ctx.out(JSON.stringify({ file, ok: problems.length === 0, problems }));
  else if (problems.length === 0) ctx.out(`${file}: ok (integrity_check and foreign_key_check found no problem)`);
  else ctx.out(`${file}: ${problems.length} problem(s) found:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return problems.length === 0 ? 0 : 1;
};

export const VERBS: Record<string, Verb> = {
  run,
  experiment,
  list,
  show,
  compare,
  rm,
  tag,
  export: exportVerb,
  import: importVerb,
  profiles,
  serve,
  check,
};

export const HELP = `timer-lab — simulate and compare KVM TSC-deadline timer strategies

usage: timer-lab <command> [options]   (every command takes --db PATH, --json, --threads N)

  run --workload W --strategy S [--profile P] [--samples N] [--seed N] [--set name=value]…
      [--trace FILE] [--no-save] [--name N] [--tag T]…
      (--set names: every run parameter, X, tsc_khz, any cost and <cost>.jitter;
       \`timer-lab profiles HSW-2016\` lists them with meaning and default)
  experiment --workload W [--strategies hrtimer,vmx-preemption] [run options]
  list [--workload W] [--strategy S] [--kind simulated|measured] [--status S] [--tag T] [--text Q]
  show ID
  compare ID ID… [--baseline ID] [--threshold PCT]
  rm ID…
  tag ID TAG… [--remove]
  export ID… --format ${[...EXPORT_FORMATS, 'png', 'svg'].join('|')} --out FILE [--chart ${CHART_KINDS.join('|')}]
  import FILE [--format ${IMPORT_FORMATS.join('|')}] [--name N] [--tsc-khz K] [--unit us|ns]
  profiles [NAME] [--json]            a profile as JSON: save it, edit it, add it back with
  profiles --add FILE.json            (a new name; HSW-2016 itself is read-only)
  serve [--port N]

workloads:  ${WORKLOADS.join(', ')}
strategies: ${STRATEGIES.join(', ')}
database:   --db PATH, else $TIMER_LAB_DB, else the XDG data folder (~/.local/share/timer-lab)
exit codes: 0 ok, 2 bad input, 1 failure
`;

