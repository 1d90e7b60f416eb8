/**
 * Reading one calibration input from a stream of lines (a file, an upload, or a text in memory):
 * the format is sniffed from the first lines, then a host trace streams once through both the
 * calibration reader and the import parser (so a saved calibration stores it as measured runs),
 * and guest-side logs and perf kvm stat tables through the import parsers. Every failure names
 * the file (and the line); nothing is kept then. Must not import electron.
 */
import type { CalibrationInputInfo } from '../../src-shared/calibration.js';
import { checkHostTrace, CalibrationInputError, guestSideOf, HostTraceReader } from '../calibrate/index.js';
import { createParser, detectFormat, FormatError, MAX_LINE_CHARS, parseLineStream, type ParsedMeasurement } from '../formats/index.js';
import { IMPORT_TRACE_TIMER_EVENTS } from './import.js';
import type { CalibrationInput } from './calibration-inputs.js';

const SNIFF = 50;

async function* replay(first: readonly string[], rest: AsyncIterator<string>): AsyncGenerator<string> {
  yield* first;
  for (;;) {
    const n = await rest.next();
    if (n.done) return;
    yield n.value;
  }
}

export interface ReadMeta {
  fileName: string;
  /** The file's SHA-256 and size, known once the stream has ended. */
  digest(): { sha256: string; bytes: number };
  onLines?: (lines: number) => void;
}

/** Reads one input; the result is what the input store keeps. */
export async function readCalibrationInput(lines: AsyncIterable<string>, meta: ReadMeta): Promise<Omit<CalibrationInput, 'info' | 'readAt'> & { info: Omit<CalibrationInputInfo, 'inputId'> }> {
  const it = lines[Symbol.asyncIterator]();
  const first: string[] = [];
  let nonEmpty = 0;
  while (nonEmpty < SNIFF) {
    const n = await it.next();
    if (n.done) break;
    const line = n.value.endsWith('\r') ? n.value.slice(0, -1) : n.value;
    if (line.length > MAX_LINE_CHARS) throw new FormatError(first.length + 1, `a line of at most ${MAX_LINE_CHARS} characters`, line.slice(0, 80));
    first.push(line);
    if (line.trim() !== '') nonEmpty++;
  }
  const format = detectFormat(first);
  const firstLine = first.findIndex((l) => l.trim() !== '');
  if (firstLine < 0) throw new CalibrationInputError(meta.fileName, 'the file is empty');
  if (!format) {
    throw new CalibrationInputError(meta.fileName, `not a file calibration reads (a host trace-cmd report, a tscdeadline_latency log, cyclictest output or perf kvm stat report): "${first[firstLine]!.slice(0, 60)}"`, firstLine + 1);
  }
  if (format === 'vmexit') throw new CalibrationInputError(meta.fileName, 'a kvm-unit-tests vmexit log gives cycles per iteration, not timer latencies: calibration reads tscdeadline_latency, cyclictest, trace-cmd and perf kvm stat files');
  if (format === 'trace-cmd') {
    const parser = createParser('trace-cmd', { traceTimerEvents: IMPORT_TRACE_TIMER_EVENTS });
    const reader = new HostTraceReader(meta.onLines ? { onLines: meta.onLines } : {});
    let lineNo = 0;
    let importError: unknown = null;
    // one pass, both readers fed line by line
    for await (const raw of replay(first, it)) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      lineNo++;
      if (line.length > MAX_LINE_CHARS) throw new FormatError(lineNo, `a line of at most ${MAX_LINE_CHARS} characters`, line.slice(0, 80));
      if (importError === null) {
        try {
          parser.push(line, lineNo);
        } catch (err) {
          importError = err;
        }
      }
      reader.push(line);
    }
    const trace = reader.finish();
    checkHostTrace(trace, meta.fileName);
    let parsed: ParsedMeasurement | null = null;
    if (importError === null) {
      try {
        parsed = parser.finish();
      } catch {
        parsed = null; // nothing the import stores (the calibration still reads the trace)
      }
    }
    const timer = trace.threads.reduce((a, t) => a + t.expiries, 0);
    const { sha256, bytes } = meta.digest();
    return {
      info: {
        fileName: meta.fileName,
        kind: 'host-trace',
        format,
        lines: trace.lines,
        bytes,
        sha256,
        summary: `host trace: ${trace.threads.length} vCPU thread${trace.threads.length === 1 ? '' : 's'}, ${timer} timer expiries, ${trace.events} events, ${trace.resolution.note}`,
      },
      parsed,
      host: trace,
    };
  }
  let count = 0;
  const parsed = await parseLineStream(replay(first, it), format, (p) => {
    count = p.lines;
    meta.onLines?.(p.lines);
  });
  const { sha256, bytes } = meta.digest();
  if (format === 'perf-kvm-stat') {
    const rows = parsed.perfRows ?? [];
    return {
      info: { fileName: meta.fileName, kind: 'perf-kvm-stat', format, lines: count, bytes, sha256, summary: `perf kvm stat: ${rows.length} exit reasons, ${rows.reduce((a, r) => a + r.samples, 0)} exits` },
      parsed,
      perf: rows,
    };
  }
  const guest = guestSideOf(parsed, meta.fileName);
  return {
    info: { fileName: meta.fileName, kind: 'guest-latency', format, lines: count, bytes, sha256, summary: `guest-side ${guest.workload === 'tscdeadline' ? 'tscdeadline_latency' : 'cyclictest'} latencies: ${guest.samples} values` },
    parsed,
    guest,
  };
}
