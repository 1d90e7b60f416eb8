// A field a call does not know is refused, named by its path, at every level of the arguments;
// it is never dropped silently (a misspelt option would otherwise run with its default).
import { Readable } from 'node:stream';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CALLS } from '../../../src-shared/contract.js';
import { apiCall } from '../cli/fault-helpers.js';
import { startLabServer, TEST_TOKEN } from '../web/lab-server.js';
import { apiError, openLab } from './helpers.js';

const RUN = { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 2000 } as const;

/** Paths of the argument objects in `schema` that would let an unknown key through. */
function looseObjects(schema: z.ZodType, path: string): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const inner = (s: unknown, p = path) => looseObjects(s as z.ZodType, p);
  switch (def.type) {
    case 'object': {
      const catchall = def.catchall as { _zod: { def: { type: string } } } | undefined;
      const own = catchall?._zod.def.type === 'never' ? [] : [path || '(arguments)'];
      const shape = def.shape as Record<string, unknown>;
      return [...own, ...Object.entries(shape).flatMap(([k, s]) => inner(s, path ? `${path}.${k}` : k))];
    }
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return inner(def.innerType);
    case 'array':
      return inner(def.element, `${path}.N`);
    case 'record':
      return inner(def.valueType, `${path}.KEY`);
    case 'union':
      return (def.options as unknown[]).flatMap((o) => inner(o));
    case 'pipe':
      return [...inner(def.in), ...inner(def.out)];
    default:
      return [];
  }
}

describe('unknown fields in call arguments', () => {
  it('every argument object of every call refuses unknown keys', () => {
    const loose = Object.entries(CALLS).flatMap(([channel, schema]) => looseObjects(schema, '').map((p) => `${channel}: ${p}`));
    expect(loose).toEqual([]);
  });

  it('are refused as bad input naming the field, top-level and nested, before anything runs or is saved', async () => {
    const t = openLab(undefined, 1);
    const cases: Array<[string, unknown, string]> = [
      ['experiments:submit', { runs: [{ ...RUN, params: { delta: -5 } }] }, 'runs.0.params'],
      ['experiments:submit', { runs: [RUN, { ...RUN, sampels: 10 }] }, 'runs.1.sampels'],
      ['experiments:submit', { runs: [RUN], nmae: 'x' }, 'nmae'],
      ['runs:simulate', { run: { ...RUN, traced: true } }, 'run.traced'],
      ['runs:list', { limti: 2, worklaod: 'x' }, 'limti'],
      ['runs:get', { id: 1, full: true }, 'full'],
      ['compare', { ids: [1, 2], threshold: 5 }, 'threshold'],
      ['profiles:list', { all: true }, 'all'],
      ['profiles:save', { profile: {}, overwrite: true }, 'overwrite'],
      ['db:check', { quick: true }, 'quick'],
      ['predict', { profile: 'HSW-2016', seed: 3 }, 'seed'],
    ];
    for (const [channel, args, field] of cases) {
      const e = await apiError(t.host.call(channel, args));
      expect(e.code, `${channel} ${JSON.stringify(args)}`).toBe('bad-input');
      expect(e.field, `${channel} ${JSON.stringify(args)}`).toBe(field);
      expect(e.message).toBe(`${field}: unknown field`);
    }
    expect(await t.call('runs:list', {})).toEqual([]);
  });

  it('are refused in the options of a streamed import too', async () => {
    const t = openLab();
    const e = await apiError(t.host.importStream({ fileName: 'a.txt', units: 'ns' }, Readable.from(['# /dev/cpu_dma_latency set to 0us\n']), 10));
    expect(e.field).toBe('units');
    expect(e.message).toBe('units: unknown field');
  });

  it('get a 400 in web mode naming the field, and the known fields alone still run', async () => {
    const web = await startLabServer('unknown-fields');
    try {
      const bad = await apiCall(web.server.port, TEST_TOKEN, 'experiments:submit', { name: 'x', runs: [{ ...RUN, params: { delta: -5 } }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toEqual({ code: 'bad-input', message: 'runs.0.params: unknown field', field: 'runs.0.params' });
      const list = await apiCall(web.server.port, TEST_TOKEN, 'runs:list', { limti: 2, worklaod: 'x' });
      expect(list.status).toBe(400);
      expect(list.body.error?.message).toBe('limti: unknown field');
      const good = await apiCall(web.server.port, TEST_TOKEN, 'runs:list', { limit: 2, workload: 'tscdeadline-busy' });
      expect(good.status).toBe(200);
      expect(good.body.result).toEqual([]);
    } finally {
      await web.close();
    }
  });
});
