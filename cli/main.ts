import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { cancelCommand } from './commands/cancel.js';
import { connectionsCommand } from './commands/connections.js';
import { getCommand } from './commands/get.js';
import { historyCommand } from './commands/history.js';
import { listCommand } from './commands/list.js';
import { rewatchCommand } from './commands/rewatch.js';
import { watchCommand } from './commands/watch.js';
import { type CliContext, type CliIo, createContext, type GlobalOptions } from './context.js';
import { EXIT_CODES, exitCodeForError } from './exit-codes.js';

const DEFAULT_API = 'http://127.0.0.1:8787';

/** Commander codes that mean "help or version was shown", not "the command line is wrong". */
const INFORMATIONAL_CODES = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

const EXIT_CODES_HELP = `
Exit codes:
  0    done; with watch --wait: the job SUCCEEDED
  10   FAILED         11  CANCELLED         12  LOST         13  TIMED_OUT
  14   not final, but jobwatch stopped watching it (watch --wait)
  15   cancel: jobwatch stopped watching, but the vendor did not cancel: its job goes on
  2    usage error    3   API or transport error    4   authentication refused or impossible
  130  interrupted while waiting (the job is still being watched)
  1    a bug in the CLI`;

function cliVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return packageJson.version ?? '0.0.0';
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a positive number.');
  return number;
}

function pageLimit(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 100) {
    throw new InvalidArgumentError('expected a whole number from 1 to 100.');
  }
  return number;
}

/**
 * Wires the commands, options and help; no behaviour lives here. `exitCode` receives what the
 * command returned, since commander only knows how to throw or exit.
 */
export function buildProgram(io: CliIo, onExitCode: (code: number) => void): Command {
  const version = cliVersion();
  const program = new Command('jobwatch');
  program
    .description('Watch jobs running in media vendors’ systems through the jobwatch API.')
    .version(version, '-V, --version')
    .addOption(
      new Option('--api <url>', 'jobwatch API root (a deployed stage URL, or the local stack)')
        .env('JOBWATCH_API')
        .default(DEFAULT_API),
    )
    .addOption(
      new Option('--token <token>', 'bearer token of a local stack started with api.token').env(
        'JOBWATCH_TOKEN',
      ),
    )
    .option('--sigv4', 'sign requests with AWS SigV4 (automatic for *.execute-api.<region>.amazonaws.com)')
    .addOption(new Option('--timeout <seconds>', 'per-request timeout').argParser(positiveNumber).default(30))
    .option('--debug', 'show stack traces and API error details')
    // Settings below are inherited by every subcommand created afterwards.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`jobwatch: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  const run =
    <Args extends unknown[]>(handler: (context: CliContext, ...args: Args) => Promise<number>) =>
    async (...args: Args) => {
      const context = await createContext(program.opts<GlobalOptions>(), io, version);
      onExitCode(await handler(context, ...args));
    };

  program
    .command('watch')
    .description(
      'start watching a vendor job, or take one watched already (a jw-… id); with --wait, block until it ends',
    )
    .argument('<connection|jobId>', 'connection name (see `jobwatch connections`), or a job id (jw-…)')
    .argument(
      '[reference...]',
      'with a connection, the vendor job reference: key=value pairs (dotted keys nest, JSON-looking values are parsed) or one JSON object',
    )
    .option('--wait', 'block until the job ends, showing its progress; the exit code tells how it ended')
    .option(
      '--deadline <when>',
      'give up watching after this long (2h, 90m, PT2H) or at this ISO time: TIMED_OUT',
    )
    .option('--idempotency-key <key>', 'a key that makes a retried start return the same watch')
    .addOption(
      new Option(
        '--max-interval <seconds>',
        'longest pause between two looks while waiting (Retry-After is honoured below it)',
      )
        .argParser(positiveNumber)
        .default(5),
    )
    .option('--json', 'print the job as JSON (the final one with --wait; progress then goes to stderr)')
    .addHelpText(
      'after',
      `
Examples:
  jobwatch watch avid-prod commandId=c296e0f1-1b4c-4e0b-9c1e-6c1f0b4f8d2a --wait
  jobwatch watch jw-3f2a9c0d1e4b5a6f7c8d9e --wait
  jobwatch watch ac-main jobId=4711 --deadline 2h --json
  jobwatch watch okast-main filePath=https://cdn.example.com/a.mp4 metadataPath=https://cdn.example.com/a.json
  jobwatch watch pcs-main '{"metadata": {"src.name": "The Trail.mp4"}}'
${EXIT_CODES_HELP}`,
    )
    .action(
      run((context, connection: string, reference: string[], options: Parameters<typeof watchCommand>[3]) =>
        watchCommand(context, connection, reference, options),
      ),
    );

  program
    .command('list')
    .description('list jobs, newest change first')
    .option('--status <statuses>', 'only these statuses, comma-separated (RUNNING,QUEUED)')
    .option('--vendor <vendor>', 'only this vendor')
    .option('--connection <name>', 'only this connection')
    .option('--since <when>', 'changed at or after: ISO time, or a duration ago (2h)')
    .option('--until <when>', 'changed at or before: ISO time, or a duration ago')
    .addOption(new Option('--limit <n>', 'jobs per page (1-100, default 20)').argParser(pageLimit))
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow the pages to the end')
    .option('--wide', 'every column (vendor, vendor status) and full times')
    .option('--json', 'print { items, next? } as JSON')
    .action(run((context, options: Parameters<typeof listCommand>[1]) => listCommand(context, options)));

  program
    .command('get')
    .description('show the latest snapshot of a job')
    .argument('<id>', 'job id')
    .option('--json', 'print the job as JSON')
    .action(
      run((context, jobId: string, options: { json?: boolean }) => getCommand(context, jobId, options)),
    );

  program
    .command('history')
    .description('show every recorded change of a job, oldest first')
    .argument('<id>', 'job id')
    .option('--json', 'print { items } as JSON')
    .action(
      run((context, jobId: string, options: { json?: boolean }) => historyCommand(context, jobId, options)),
    );

  program
    .command('cancel')
    .description(
      'cancel a job at the vendor where possible, and stop watching it (exit 15: the vendor job goes on)',
    )
    .argument('<id>', 'job id')
    .option('--reason <reason>', 'why, recorded with the job')
    .option('--json', 'print the result as JSON')
    .action(
      run((context, jobId: string, options: { reason?: string; json?: boolean }) =>
        cancelCommand(context, jobId, options),
      ),
    );

  program
    .command('rewatch')
    .description('watch a job again whose watch stopped although the job has not ended')
    .argument('<id>', 'job id')
    .option('--reason <reason>', 'why, recorded with the job')
    .option('--json', 'print the job as JSON')
    .action(
      run((context, jobId: string, options: { reason?: string; json?: boolean }) =>
        rewatchCommand(context, jobId, options),
      ),
    );

  program
    .command('connections')
    .description('list the connections a watch may name, and their vendors')
    .option('--json', 'print { items } as JSON')
    .action(run((context, options: { json?: boolean }) => connectionsCommand(context, options)));

  return program;
}

/**
 * Runs the CLI and returns its exit code; never throws. Errors become one line on stderr
 * (`jobwatch: 400 invalid request: …`), with the stack and causes under `--debug`.
 *
 * @example process.exitCode = await runCli(process.argv);
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, environment: process.env },
): Promise<number> {
  let exitCode: number = EXIT_CODES.success;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help); only the code is left to decide.
      if (INFORMATIONAL_CODES.has(error.code) && error.exitCode === 0) return EXIT_CODES.success;
      return EXIT_CODES.usage;
    }
    const debug = Boolean(program.opts<GlobalOptions>().debug);
    io.stderr.write(`jobwatch: ${(error as Error)?.message ?? String(error)}\n`);
    if (debug) io.stderr.write(`${debugDetails(error)}\n`);
    return exitCodeForError(error);
  }
}

/** The stack, the API's body excerpt when it sent no problem document, and the cause chain. */
function debugDetails(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (depth > 0) lines.push('caused by:');
    lines.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    const excerpt = (current as { bodyExcerpt?: unknown }).bodyExcerpt;
    if (typeof excerpt === 'string') lines.push(`body: ${excerpt}`);
    current = (current as { cause?: unknown }).cause;
  }
  return lines.join('\n');
}
