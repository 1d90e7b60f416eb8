/**
 * The guest program for each workload, built from the run parameters.
 * Must not import node:*, electron or sqlite.
 */
import type { RunConfig } from '../../../src-shared/config.js';
import { Cyclictest } from './cyclictest.js';
import type { GuestProgram } from './guest-cpu.js';
import { TscdeadlineLatency } from './tscdeadline-latency.js';
import { VmexitTscdeadline } from './vmexit-tscdeadline.js';

export function createGuestProgram(config: RunConfig): GuestProgram {
  const p = config.params;
  switch (config.workload) {
    case 'tscdeadline-busy':
      return new TscdeadlineLatency(true, p.delta, p.breakmax);
    case 'tscdeadline-halt':
      return new TscdeadlineLatency(false, p.delta, p.breakmax);
    case 'vmexit-tscdeadline':
      return new VmexitTscdeadline(p.vmexitDelta);
    case 'vmexit-tscdeadline-immed':
      return new VmexitTscdeadline(0);
    case 'cyclictest':
      return new Cyclictest(p.interval * 1000, p.guestIdle === 'poll');
  }
}
