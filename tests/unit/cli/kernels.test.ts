// `timer-lab kernels` prints the mechanism registry; with a release, which mechanisms it has
// (backports included) and its defaults. A bad release is a usage error naming the argument.
import { beforeAll, describe, expect, it } from 'vitest';
import { MECHANISM_IDS, MECHANISMS } from '../../../src-shared/kernels.js';
import { assertBuilt, cli, tempDir } from './helpers.js';

beforeAll(() => assertBuilt());

describe('timer-lab kernels', () => {
  it('lists every mechanism with its release and source', async () => {
    const t = tempDir();
    try {
      const r = await cli(['kernels', '--db', t.db]);
      expect(r.code).toBe(0);
      for (const id of MECHANISM_IDS) {
        expect(r.stdout).toContain(`${id} — since ${MECHANISMS[id].since}`);
        expect(r.stdout).toContain(MECHANISMS[id].source);
      }
    } finally {
      t.remove();
    }
  });

  it('says which mechanisms a release has, counting backports, as JSON', async () => {
    const t = tempDir();
    try {
      const r = await cli(['kernels', '5.15.106', '--json', '--db', t.db]);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { defaults: { timerAdvanceNs: number; haltPollNs: number }; mechanisms: Array<{ id: string; present: boolean }> };
      const has = Object.fromEntries(j.mechanisms.map((m) => [m.id, m.present]));
      expect(has.fastpath).toBe(true); // 5.8
      expect(has.block_switch_common).toBe(true); // 5.17, backported to 5.15.106
      expect(has.trace_apicv_accept_irq).toBe(false); // 5.17, not backported
      expect(has.hlt_fastpath).toBe(false); // 6.12
      expect(j.defaults).toEqual({ timerAdvanceNs: -1, haltPollNs: 200_000 });
      const older = JSON.parse((await cli(['kernels', '5.15.105', '--json', '--db', t.db])).stdout) as typeof j;
      expect(older.mechanisms.find((m) => m.id === 'block_switch_common')!.present).toBe(false);
    } finally {
      t.remove();
    }
  });

  it('refuses a release it cannot model, naming the argument', async () => {
    const t = tempDir();
    try {
      for (const bad of ['4.4', 'five', '5.x']) {
        const r = await cli(['kernels', bad, '--db', t.db]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/RELEASE: /);
      }
    } finally {
      t.remove();
    }
  });
});
