/**
 * Errors that cross the API boundary, each with a code and (for bad input) the field it names.
 * Transports turn them into LabErrorPayload. Must not import electron.
 */
import type { LabErrorPayload } from '../../src-shared/contract.js';

export class ApiError extends Error {
  constructor(
    readonly code: LabErrorPayload['code'],
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toPayload(): LabErrorPayload {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}
