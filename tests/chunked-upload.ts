/**
 * Streams a chunked request body of `totalMb` 1 MB chunks on a raw socket until the server
 * answers or closes. A raw socket, not http.request: the server answers and closes while the
 * client is still writing, so writes may fail with EPIPE/ECONNRESET; that must neither hide the
 * reply nor leave the caller waiting.
 */
import { connect } from 'node:net';

export interface ChunkedUploadResult {
  /** Everything the server sent. */
  reply: string;
  /** The status code of the reply (0 if none came). */
  status: number;
  /** MB written when the first byte of the reply arrived (-1 if none came). */
  sentMbAtReply: number;
}

const frame = (b: Buffer | string): Buffer => Buffer.concat([Buffer.from(`${Buffer.byteLength(b).toString(16)}\r\n`), Buffer.from(b), Buffer.from('\r\n')]);

export function chunkedUpload(port: number, head: string, opts: { prefix: string; suffix: string; totalMb: number; fill?: number; timeoutMs?: number }): Promise<ChunkedUploadResult> {
  const chunk = Buffer.alloc(1 << 20, opts.fill ?? 0x61);
  return new Promise((resolve) => {
    let sentMb = 0;
    let sentMbAtReply = -1;
    let reply = '';
    let closed = false;
    const s = connect(port, '127.0.0.1', () => {
      s.write(`${head}Transfer-Encoding: chunked\r\n\r\n`);
      s.write(frame(opts.prefix));
      const pump = (): void => {
        while (!closed && sentMbAtReply < 0 && sentMb < opts.totalMb) {
          sentMb++;
          if (!s.write(frame(chunk))) {
            s.once('drain', pump);
            return;
          }
        }
        if (!closed && sentMbAtReply < 0) s.end(Buffer.concat([frame(opts.suffix), Buffer.from('0\r\n\r\n')]));
      };
      pump();
    });
    s.setEncoding('utf8').on('data', (d: string) => {
      if (sentMbAtReply < 0) sentMbAtReply = sentMb;
      reply += d;
    });
    s.on('error', () => undefined); // EPIPE / ECONNRESET once the server has answered and closed
    s.on('close', () => {
      closed = true;
      resolve({ reply, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0), sentMbAtReply });
    });
    setTimeout(() => s.destroy(), opts.timeoutMs ?? 60_000).unref();
  });
}
