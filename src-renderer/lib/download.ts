// Downloads made in the renderer: a Blob and a temporary <a download>, nothing else.
import type { ExportFile } from '../../src-shared/contract.js';

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, mime: string): void {
  downloadBlob(new Blob([text], { type: mime }), fileName);
}

/** A data: URL (e.g. chart.toBase64Image) as a Blob download. */
export function downloadDataUrl(dataUrl: string, fileName: string): void {
  const [head, b64 = ''] = dataUrl.split(',', 2);
  const mime = /data:([^;]+)/.exec(head ?? '')?.[1] ?? 'application/octet-stream';
  downloadBlob(new Blob([base64ToBytes(b64)], { type: mime }), fileName);
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Saves a file produced by the `export` call. */
export function downloadExportFile(f: ExportFile): void {
  const blob = f.encoding === 'base64' ? new Blob([base64ToBytes(f.content)], { type: f.mime }) : new Blob([f.content], { type: f.mime });
  downloadBlob(blob, f.fileName);
}

/** A file-name-safe slug. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'chart';
}
