/** The size of a file named on the command line, or a bad-input error naming it. */
import { statSync } from 'node:fs';
import { ApiError } from '../api/index.js';

export function regularFileSize(file: string): number {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    return st.size;
  } catch (err) {
    throw new ApiError('bad-input', `cannot read ${file}: ${(err as Error).message}`);
  }
}
