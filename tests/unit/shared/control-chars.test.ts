// Control characters in names, tags, file names and notes: refused by the contract with the
// field named (notes keep newlines), and shown escaped when text stored earlier holds them.
import { describe, expect, it } from 'vitest';
import { escapeControlChars, hasControlChar } from '../../../src-shared/control-chars.js';
import { CALLS } from '../../../src-shared/contract.js';

const CONTROLS = ['\n', '\t', '\r', '\x00', '\x07', '\x1b', '\x7f', '\x80', '\x9b', '\x9f'];

describe('hasControlChar', () => {
  it('finds C0, DEL and C1 characters, a newline unless newlines are allowed', () => {
    for (const c of CONTROLS) expect(hasControlChar(`a${c}b`), JSON.stringify(c)).toBe(true);
    expect(hasControlChar('a\nb', { newlines: true })).toBe(false);
    expect(hasControlChar('a\tb', { newlines: true })).toBe(true);
    expect(hasControlChar('a\x1b[2Jb', { newlines: true })).toBe(true);
  });

  it('lets printable text through, also beyond ASCII', () => {
    for (const t of ['run 1', 'tscdeadline: hrtimer vs vmx-preemption', 'µs · ±5% — Zürich', '\u00a0non-breaking', '日本語']) expect(hasControlChar(t), t).toBe(false);
  });
});

describe('escapeControlChars', () => {
  it('writes each control character as its \\u escape and leaves the rest', () => {
    expect(escapeControlChars('a\x1b]0;pwned\x07b\nnewline')).toBe('a\\u001b]0;pwned\\u0007b\\u000anewline');
    expect(escapeControlChars('x\x9by\x7f')).toBe('x\\u009by\\u007f');
    expect(escapeControlChars('µs · plain')).toBe('µs · plain');
  });

  it('keeps newlines when asked, and JSON escaped this way still parses to the same value', () => {
    expect(escapeControlChars('a\nb\tc', { keepNewlines: true })).toBe('a\nb\\u0009c');
    const json = JSON.stringify({ name: 'a\x9b2Jb\x7f' }, null, 2);
    expect(JSON.parse(escapeControlChars(json, { keepNewlines: true }))).toEqual({ name: 'a\x9b2Jb\x7f' });
  });
});

describe('the contract refuses control characters in name-like fields', () => {
  const RUN = { workload: 'tscdeadline-halt', strategy: 'hrtimer' };
  const refused = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, value: unknown, field: string) => {
    const r = schema.safeParse(value);
    expect(r.success, `${field} accepted`).toBe(false);
    expect(r.error!.issues[0]!.path.map(String).join('.')).toBe(field);
    expect(r.error!.issues[0]!.message).toMatch(/control characters/);
  };

  it('experiment and run names, tags and notes', () => {
    for (const c of CONTROLS.filter((x) => x !== '\n' && x !== '\t' && x !== '\r')) {
      refused(CALLS['experiments:submit'], { name: `a${c}b`, runs: [RUN] }, 'name');
      refused(CALLS['runs:rename'], { id: 1, name: `a${c}b` }, 'name');
      refused(CALLS['experiments:submit'], { tags: ['ok', `t${c}`], runs: [RUN] }, 'tags.1');
      refused(CALLS['runs:tag'], { id: 1, tags: [`t${c}x`] }, 'tags.0');
      refused(CALLS['runs:notes'], { id: 1, notes: `n${c}` }, 'notes');
      refused(CALLS['experiments:submit'], { notes: `n${c}`, runs: [RUN] }, 'notes');
    }
    refused(CALLS['experiments:submit'], { name: 'a\x1b]0;pwned\x07b\nnewline', runs: [RUN] }, 'name');
    refused(CALLS['runs:rename'], { id: 1, name: 'two\nlines' }, 'name');
    refused(CALLS['runs:rename'], { id: 1, name: 'tab\there' }, 'name');
    refused(CALLS['runs:notes'], { id: 1, notes: 'tab\there' }, 'notes');
  });

  it('import, prediction and calibration names and file names', () => {
    refused(CALLS.import, { fileName: 'x.log', content: '', name: 'a\x1bb' }, 'name');
    refused(CALLS.import, { fileName: 'x\n.log', content: '' }, 'fileName');
    refused(CALLS['calibrate:read'], { fileName: 'x\x9b.log', content: '' }, 'fileName');
    refused(CALLS.calibrate, { inputs: [1], name: 'p\x07' }, 'name');
    refused(CALLS.predict, { profile: 'p', name: 'p\x7fq' }, 'name');
  });

  it('accepts ordinary names, and notes with newlines', () => {
    expect(CALLS['experiments:submit'].safeParse({ name: 'halt · µs ±5%', tags: ['büro'], notes: 'line one\nline two', runs: [RUN] }).success).toBe(true);
    expect(CALLS['runs:notes'].safeParse({ id: 1, notes: 'a\n\nb' }).success).toBe(true);
    expect(CALLS.import.safeParse({ fileName: 'cyclictest (1).log', content: '', name: 'Zürich' }).success).toBe(true);
  });
});
