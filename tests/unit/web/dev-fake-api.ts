/**
 * A stub ApiHost for the web bridge's own tests: a few canned answers and errors, pushes on
 * demand, and a record of the calls it received. The bridge is tested here; the real handlers are
 * tested through LabServices elsewhere.
 */
import type { PushChannel, PushPayloads } from '../../../src-shared/contract.js';
import type { ApiHost, PushListener } from '../../../src-main/api/host.js';

class StubError extends Error {
  constructor(
    readonly code: 'bad-input' | 'not-found',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface FakeApiHost extends ApiHost {
  /** Sends a push to every subscriber. */
  emit<K extends PushChannel>(channel: K, payload: PushPayloads[K]): void;
  calls: Array<{ channel: string; args: unknown }>;
}

type Args = Record<string, unknown>;

const HANDLERS: Record<string, (a: Args) => unknown> = {
  'profiles:list': () => [{ name: 'HSW-2016', description: 'built-in', builtIn: true }],
  'profiles:get': (a) => {
    throw new StubError('not-found', `no profile "${String(a.name)}"`, 'name');
  },
  'experiments:submit': () => {
    throw new StubError('bad-input', 'delta 4242 is refused by the fake server', 'runs.0.set.delta');
  },
  import: (a) => ({ runId: 1, format: 'cyclictest-hist', warnings: [], bytes: String(a.content).length }),
};

export function createDevFakeApi(): FakeApiHost {
  const listeners = new Set<PushListener>();
  const calls: Array<{ channel: string; args: unknown }> = [];
  return {
    calls,
    emit(channel, payload) {
      for (const l of listeners) l(channel, payload);
    },
    async call(channel, args) {
      calls.push({ channel, args });
      const h = HANDLERS[channel];
      if (!h) throw new StubError('not-found', `unknown call "${channel}"`);
      return h((args ?? {}) as Args);
    },
    async importStream(meta, body) {
      let content = '';
      for await (const chunk of body) content += chunk.toString();
      return this.call('import', { ...(meta as object), content }) as never;
    },
    async calibrationInputStream(meta, body) {
      let content = '';
      for await (const chunk of body) content += chunk.toString();
      return this.call('calibrate:read', { ...(meta as object), content }) as never;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
