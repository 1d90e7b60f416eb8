/**
 * The ApiHost every transport drives: look the channel up in the contract, validate the
 * arguments with its schema (errors name the field), run the handler, map failures to ApiError.
 * Must not import electron.
 */
import { createHash } from 'node:crypto';
import { CALLS, MAX_IMPORT_BYTES, type CallChannel, type CallResults } from '../../src-shared/contract.js';
import { parseLineStream, sniffedLines, splitLines } from '../formats/index.js';
import { toApiError } from './error-map.js';
import { ApiError } from './errors.js';
import { HANDLERS } from './handlers.js';
import type { ApiHost } from './host.js';
import { readInputStream } from './calibration.js';
import { importOptionsKey, importParseOptions } from './import.js';
import { applicableImportOptions, withOptionWarnings } from './import-options.js';
import type { LabServices } from './services.js';

export function isCallChannel(channel: unknown): channel is CallChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(CALLS, channel);
}

export function createApiHost(lab: LabServices): ApiHost {
  return {
    async call(channel: string, args: unknown): Promise<unknown> {
      if (!isCallChannel(channel)) throw new ApiError('not-found', `unknown call "${channel}"`);
      const parsed = CALLS[channel].safeParse(args ?? {});
      if (!parsed.success) throw toApiError(parsed.error);
      try {
        const handler = HANDLERS[channel] as (l: LabServices, a: unknown) => unknown;
        return await handler(lab, parsed.data);
      } catch (err) {
        throw toApiError(err);
      }
    },
    subscribe(listener) {
      return lab.subscribe(listener);
    },
    importStream(meta, body, size) {
      return importStream(lab, meta, body, size);
    },
    async calibrationInputStream(meta, body, size, maxBytes = MAX_CALIBRATION_FILE_BYTES) {
      const fileName = (meta as { fileName?: unknown } | null)?.fileName;
      try {
        return await readInputStream(lab, typeof fileName === 'string' ? fileName : '', body, size, maxBytes);
      } catch (err) {
        throw toApiError(err);
      }
    },
  };
}

/** Largest calibration input read from a stream (a file on this machine; uploads are capped lower). */
export const MAX_CALIBRATION_FILE_BYTES = 4 * 1024 * 1024 * 1024;

const importMetaSchema = CALLS.import.omit({ content: true });

/** Streaming import: hashes and parses the chunks as they arrive; nothing is kept whole. */
async function importStream(
  lab: LabServices,
  metaIn: unknown,
  body: AsyncIterable<Buffer | string>,
  size: number,
): Promise<CallResults['import']> {
  const parsedMeta = importMetaSchema.safeParse(metaIn ?? {});
  if (!parsedMeta.success) throw toApiError(parsedMeta.error);
  const given = parsedMeta.data;
  const hash = createHash('sha256');
  let bytesDone = 0;
  let lastPush = 0;
  async function* counted(): AsyncGenerator<Buffer | string> {
    for await (const chunk of body) {
      hash.update(chunk);
      bytesDone += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (bytesDone > MAX_IMPORT_BYTES) {
        throw new ApiError('bad-input', `file is larger than ${MAX_IMPORT_BYTES / 1048576} MB`, 'content');
      }
      const now = Date.now();
      if (now - lastPush >= 200) {
        lastPush = now;
        lab.emit('import:progress', { fileName: given.fileName, bytesDone, bytesTotal: size });
      }
      yield chunk;
    }
  }
  const chunks = counted();
  try {
    // lines are split as the chunks arrive, with their length capped: one endless line fails fast
    const lines = sniffedLines(splitLines(chunks));
    // the parsers read only the options of their own format
    const parsed = await parseLineStream(lines.lines, given.format, undefined, importParseOptions(given));
    const { args: meta, warnings } = applicableImportOptions(given, parsed.format);
    lab.emit('import:progress', { fileName: meta.fileName, bytesDone, bytesTotal: size || bytesDone });
    const result = lab.importParsed(parsed, {
      fileName: meta.fileName,
      sha256: hash.digest('hex'),
      options: importOptionsKey(meta, lines.detected()),
      ...(meta.name ? { name: meta.name } : {}),
      ...(meta.tscKhz ? { tscKhz: meta.tscKhz } : {}),
    });
    return withOptionWarnings(result, warnings);
  } catch (err) {
    throw toApiError(err);
  } finally {
    await chunks.return(undefined); // ends the generator, which closes a file stream it was reading
  }
}
