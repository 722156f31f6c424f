import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  InterruptedError,
  ResponseShapeError,
  SigningError,
  TransportError,
  UsageError,
} from '../../cli/errors.js';
import { EXIT_CODES, exitCodeForError, exitCodeForStatus } from '../../cli/exit-codes.js';

const apiError = (status: number) => new ApiError({ request: 'GET /jobs', status, problem: { title: 'x' } });

describe('exit codes', () => {
  it.each([
    ['SUCCEEDED', 0],
    ['FAILED', 10],
    ['CANCELLED', 11],
    ['LOST', 12],
    ['TIMED_OUT', 13],
  ] as const)('a job that ended %s exits %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it('gives a status that is not final no code of its own (waiting never ends on one)', () => {
    expect(exitCodeForStatus('RUNNING')).toBe(EXIT_CODES.internal);
  });

  it.each([
    ['a usage error', new UsageError('bad'), 2],
    ['a commander parse error', new CommanderError(1, 'commander.unknownOption', 'x'), 2],
    ['a 400 from the API', apiError(400), 3],
    ['a 404 from the API', apiError(404), 3],
    ['a 500 from the API', apiError(500), 3],
    ['an unreachable API', new TransportError('GET /jobs', 'ECONNREFUSED'), 3],
    ['an unreadable answer', new ResponseShapeError('x'), 3],
    ['a 401', apiError(401), 4],
    ['a 403 (IAM refused the signature)', apiError(403), 4],
    ['missing AWS credentials', new SigningError('no credentials'), 4],
    ['an interrupted wait', new InterruptedError('stopped'), 130],
    ['anything unexpected', new TypeError('bug'), 1],
  ])('maps %s to %i', (_name, error, code) => {
    expect(exitCodeForError(error)).toBe(code);
  });

  it('gives a cancel that left the vendor job running a code of its own', () => {
    expect(EXIT_CODES.vendorNotCancelled).toBe(15);
  });

  it('keeps every code distinct', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
