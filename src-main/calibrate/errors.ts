/**
 * The one error of calibration inputs: a file that cannot be calibrated from, with the file and,
 * where one is to blame, the line named. Nothing is saved when one is thrown. Pure: must not
 * import node:*, electron or better-sqlite3.
 */

export class CalibrationInputError extends Error {
  constructor(
    readonly fileName: string,
    message: string,
    readonly line?: number,
  ) {
    super(`${fileName}${line === undefined ? '' : ` line ${line}`}: ${message}`);
    this.name = 'CalibrationInputError';
  }
}
