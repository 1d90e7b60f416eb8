import { describe, expect, it } from 'vitest';
import { detectFormat, detectTextFormat, FormatError, sniffedLines, parseLineStream, toCyclictestHistogram, toCyclictestJson, toTscdeadlineLog, toTraceCmdReport } from '../../../src-main/formats/index.js';
import { asyncLines, GARBAGE, HIST_SAMPLE, readSample, TRACE_SAMPLE } from './helpers.js';

describe('detectFormat', () => {
  const cases: Array<[string, string | null]> = [
    [readSample(HIST_SAMPLE), 'cyclictest-hist'],
    [readSample(TRACE_SAMPLE), 'trace-cmd'],
    [toCyclictestJson([{ values: [1000], counts: [1] }]), 'cyclictest-json'],
    [toTscdeadlineLog([1, 2, 3]), 'tscdeadline-latency'],
    ['latency: 3200\nlatency: 3100\n', 'tscdeadline-latency'],
    ['cpuid 87\ntscdeadline 5600\n', 'vmexit'],
    ['policy: fifo: loadavg: 1 1 1 1/1 1\n\nT: 0 ( 3524) P:99 I:1000 C: 576934 Min:      1 Act:    4 Avg:    5 Max:    1650\n', 'cyclictest'],
    ['\x1b[3AT: 0 ( 3524) P:99 I:1000 C: 576934 Min:      1 Act:    4 Avg:    5 Max:    1650\n', 'cyclictest'],
    ['       0:       0:       5\n       0:       1:       4\n', 'cyclictest-verbose'],
    ['             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n', 'perf-kvm-stat'],
    ['Event name                Samples   Sample%    Time (ns)     Time%   Max Time (ns)   Min Time (ns)  Mean Time (ns)\n', 'perf-kvm-stat'],
    ['CPU 0/KVM 1821753 [015] 4831258.258053: kvm:kvm_msr: msr_write 6e0 = 0x1\n', 'trace-cmd'],
    ['hello world\n', null],
    ['', null],
    [GARBAGE, null],
  ];
  it.each(cases)('%#', (text, expected) => {
    expect(detectFormat(text.split('\n'))).toBe(expected);
  });
});

describe('the format detection finds, beside a named one', () => {
  it('detectTextFormat reads a text as detectFormat reads its lines', () => {
    for (const text of [readSample(HIST_SAMPLE), readSample(TRACE_SAMPLE), 'cpuid 87\r\ntscdeadline 5600\r\n', 'hello world\n', '']) {
      expect(detectTextFormat(text)).toBe(detectFormat(text.split('\n')));
    }
  });

  it('detection reads only the first 50 non-empty lines', () => {
    const latency = Array.from({ length: 50 }, (_, i) => `latency: ${3000 + i}`);
    // vmexit lines after the window do not change what detection finds
    expect(detectTextFormat([...latency, '', 'tscdeadline 5600'].join('\n'))).toBe('tscdeadline-latency');
    expect(detectTextFormat(['cpuid 87', 'tscdeadline 5600', ...latency].join('\n'))).toBe('tscdeadline-latency');
    expect(detectTextFormat(['cpuid 87', 'tscdeadline 5600', '', 'vmcall 1200'].join('\n'))).toBe('vmexit');
  });

  it('sniffedLines passes every line on unchanged and then knows the detected format, whatever parser read them', async () => {
    const lines = readSample(HIST_SAMPLE).split('\n');
    const sniffed = sniffedLines(asyncLines(lines));
    const seen: string[] = [];
    for await (const l of sniffed.lines) seen.push(l);
    expect(seen).toEqual(lines);
    expect(sniffed.detected()).toBe('cyclictest-hist');
    const parsed = sniffedLines(asyncLines(readSample(TRACE_SAMPLE).split('\n')));
    await parseLineStream(parsed.lines, 'trace-cmd');
    expect(parsed.detected()).toBe('trace-cmd');
  });
});

describe('parseLineStream', () => {
  it('detects and streams each exported format', async () => {
    const texts = [
      toCyclictestHistogram([{ values: [5000, 6000], counts: [10, 2] }]),
      toTscdeadlineLog(Array.from({ length: 200 }, (_, i) => 3000 + i)),
      toTraceCmdReport([
        { t: 0, cpu: 0, event: 'kvm_exit', text: 'reason PREEMPTION_TIMER rip 0x1 info 0 0' },
        { t: 3000, cpu: 0, event: 'kvm_entry', text: 'vcpu 0, rip 0x1' },
      ], { tscKhz: 3_000_000 }),
    ];
    const [h, tsc, tr] = await Promise.all(texts.map((t) => parseLineStream(asyncLines(t.split('\n')))));
    expect(h?.histogram).toEqual({ values: [5000, 6000], counts: [10, 2] });
    expect(tsc?.samples?.length).toBe(200);
    expect(tr?.histogram).toEqual({ values: [1000], counts: [1] });
  });

  it('throws a line-numbered FormatError for unknown, binary and empty input', async () => {
    await expect(parseLineStream(asyncLines(['hello', 'world']))).rejects.toMatchObject({ line: 1 });
    await expect(parseLineStream(asyncLines([GARBAGE]))).rejects.toBeInstanceOf(FormatError);
    await expect(parseLineStream(asyncLines([]))).rejects.toThrow(/^line 1: expected .*, got "/);
    // unknown trace lines are skipped; a trace without events is refused at its end
    await expect(parseLineStream(asyncLines(['cpus=2', 'nonsense']), 'trace-cmd')).rejects.toMatchObject({ line: 3 });
  });

  it('strips CR line endings', async () => {
    const r = await parseLineStream(asyncLines(['latency: 5\r', 'latency: 6\r']));
    expect([...(r.samples ?? [])]).toEqual([5, 6]);
  });
});
