/**
 * Turns any error thrown below the API (schema, config, store, format, runner) into an ApiError
 * with a code and, where known, the field or line it names. Must not import electron.
 */
import { z } from 'zod';
import { ConfigError } from '../../src-shared/config.js';
import { CalibrationInputError } from '../calibrate/index.js';
import { FormatError } from '../formats/index.js';
import { ConflictError, NotFoundError, StoreError } from '../store/index.js';
import { ApiError } from './errors.js';

export function toApiError(err: unknown, fieldPrefix = ''): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof z.ZodError) {
    const issue = err.issues[0];
    // a field the schema does not know is named itself, not the object holding it
    const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const path = [...(issue?.path ?? []), ...(unknownKey === undefined ? [] : [unknownKey])];
    const field = fieldPrefix + path.map(String).join('.');
    const message = unknownKey === undefined ? (issue?.message ?? 'invalid') : 'unknown field';
    return new ApiError('bad-input', `${field || 'arguments'}: ${message}`, field || undefined);
  }
  if (err instanceof ConfigError) {
    const field = fieldPrefix + err.field;
    return new ApiError('bad-input', `${field}: ${err.message.replace(`${err.field}: `, '')}`, field);
  }
  if (err instanceof FormatError) return new ApiError('bad-input', err.message, 'content');
  if (err instanceof CalibrationInputError) return new ApiError('bad-input', err.message, 'inputs');
  if (err instanceof NotFoundError) return new ApiError('not-found', err.message);
  if (err instanceof ConflictError) return new ApiError('conflict', err.message);
  if (err instanceof StoreError) return new ApiError('failed', err.message);
  return new ApiError('failed', err instanceof Error ? err.message : String(err));
}
