/**
 * Errors thrown by the run store: StoreError (schema, I/O, misuse), NotFoundError (no such run,
 * experiment or profile) and ConflictError (a write the current state forbids, e.g. overwriting a
 * built-in profile or finishing a run that is no longer running). The api layer maps them to
 * LabErrorPayload codes. Must not import electron, src-main/engine, runner or api.
 */

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export class NotFoundError extends StoreError {
  constructor(
    readonly what: 'run' | 'experiment' | 'profile',
    readonly key: number | string,
  ) {
    super(`${what} ${typeof key === 'string' ? `"${key}"` : key} not found`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
