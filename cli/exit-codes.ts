import { CommanderError } from 'commander';
import type { JobStatus } from '../lib/jobs/job-status.js';
import {
  ApiError,
  InterruptedError,
  ResponseShapeError,
  SigningError,
  TransportError,
  UsageError,
} from './errors.js';

/**
 * The exit codes of `jobwatch`, one meaning each, so a pipeline can branch on them without
 * parsing output. Documented in docs/cli.md; never renumber one that has shipped.
 */
export const EXIT_CODES = {
  /** The command did what was asked; with `watch --wait`, the job SUCCEEDED. */
  success: 0,
  /** A bug in the CLI itself (an error nobody anticipated). */
  internal: 1,
  /** The command line is wrong: unknown option, bad reference, bad duration. */
  usage: 2,
  /** The API answered with an error, answered something unreadable, or could not be reached. */
  api: 3,
  /** The API refused our identity (401/403), or no credentials could be found to sign with. */
  authRefused: 4,
  failed: 10,
  cancelled: 11,
  lost: 12,
  timedOut: 13,
  /** `watch --wait`: the job is not final, but jobwatch stopped watching it; nothing will change. */
  watchStopped: 14,
  /**
   * `cancel`: jobwatch recorded the job CANCELLED and stopped watching it, but the vendor did not
   * cancel it (its API has no cancel, refused, or could not be asked): the vendor job goes on.
   */
  vendorNotCancelled: 15,
  /** Interrupted (Ctrl-C) while waiting: the job itself is still being watched. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * The exit code `watch --wait` ends with for a job that reached `status`. Statuses that are not
 * final have no exit code of their own: waiting only ends on a final one.
 *
 * @example exitCodeForStatus('LOST') // 12
 */
export function exitCodeForStatus(status: JobStatus): ExitCode {
  switch (status) {
    case 'SUCCEEDED':
      return EXIT_CODES.success;
    case 'FAILED':
      return EXIT_CODES.failed;
    case 'CANCELLED':
      return EXIT_CODES.cancelled;
    case 'LOST':
      return EXIT_CODES.lost;
    case 'TIMED_OUT':
      return EXIT_CODES.timedOut;
    default:
      // Only reachable if the API broke its promise to end a wait on a final status.
      return EXIT_CODES.internal;
  }
}

/**
 * The exit code for an error that ended a command. Anything not recognised is a bug in the CLI,
 * and says so with code 1 rather than passing for an API error.
 *
 * @example exitCodeForError(new UsageError('bad reference')) // 2
 */
export function exitCodeForError(error: unknown): ExitCode {
  if (error instanceof InterruptedError) return EXIT_CODES.interrupted;
  if (error instanceof UsageError) return EXIT_CODES.usage;
  if (error instanceof CommanderError) return EXIT_CODES.usage;
  if (error instanceof ApiError) return error.isAuthRefusal ? EXIT_CODES.authRefused : EXIT_CODES.api;
  if (error instanceof SigningError) return EXIT_CODES.authRefused;
  if (error instanceof TransportError || error instanceof ResponseShapeError) return EXIT_CODES.api;
  return EXIT_CODES.internal;
}
