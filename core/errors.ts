// One error hierarchy for the whole service. Only core/http/error-response.ts maps codes to HTTP.

export type ErrorCode =
  | 'bad.request'
  | 'unauthorized'
  | 'forbidden'
  | 'not.found'
  | 'method.not.allowed'
  | 'export.running'
  | 'export.rejected'
  | 'nothing.to.cancel'
  | 'config.invalid'
  | 'journal.corrupt'
  | 'source.unavailable'
  | 'service.unavailable'
  | 'internal';

export interface ErrorItem {
  key: string;
  message: string;
}

/** A job as an error carries it: its whole status (core/job/status.ts), which the API answers with. */
export interface JobView {
  jobId: number;
  status: string;
  errors: ErrorItem[] | null;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A bad parameter or body: carries the API's `{errors:[{key,message}]}` items. */
export class ValidationError extends SluiceError {
  readonly errors: ErrorItem[];
  constructor(errors: ErrorItem[]) {
    super('bad.request', errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
}

/** Another export holds the lock; carries that job's status. */
export class ExportRunningError extends SluiceError {
  readonly job: JobView;
  constructor(job: JobView) {
    super('export.running', `Cannot start an export: job ${job.jobId} is ${job.status}`);
    this.job = job;
  }
}

/** The export failed before exporting (pre-validation, disk); carries the FAILED job. */
export class ExportRejectedError extends SluiceError {
  readonly job: JobView;
  constructor(job: JobView) {
    super('export.rejected', `Cannot start job ${job.jobId}: ${job.errors?.map((e) => e.message).join('; ')}`);
    this.job = job;
  }
}

export class NothingToCancelError extends SluiceError {
  constructor(message: string) {
    super('nothing.to.cancel', message);
  }
}

/** A setting that stops start-up; the message names the setting. */
export class ConfigError extends SluiceError {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super('config.invalid', `${setting}: ${message}`);
    this.setting = setting;
  }
}

export class JournalCorruptError extends SluiceError {
  readonly file: string;
  constructor(file: string, reason: string) {
    super('journal.corrupt', `Cannot read the job journal ${file}: ${reason}`);
    this.file = file;
  }
}

export class SourceUnavailableError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('source.unavailable', message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** This node cannot take the request now (shutting down). */
export class UnavailableError extends SluiceError {
  constructor(message: string) {
    super('service.unavailable', message);
  }
}
