import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/jobwatch.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  api?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

function childEnvironment(options: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The developer's own settings must not leak into the tests.
  if (!options.env?.JOBWATCH_TOKEN) delete env.JOBWATCH_TOKEN;
  if (options.api) env.JOBWATCH_API = options.api;
  else if (!options.env?.JOBWATCH_API) delete env.JOBWATCH_API;
  return env;
}

/**
 * Runs `node bin/jobwatch.js …` as a child process on this Node (the project's Node 24), the way a
 * pipeline would. Never throws for a non-zero exit: the exit code is what the tests assert. The
 * timeout kills a CLI that hangs, so no child outlives its test.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: childEnvironment(options),
        timeout: options.timeoutMs ?? 20_000,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

export interface RunningCli {
  /** Resolves once stdout so far matches `pattern`; rejects if the CLI exits first. */
  waitForOutput(pattern: RegExp): Promise<void>;
  done: Promise<CliRun>;
}

/**
 * Like {@link runCli}, but lets the test act while the CLI runs (cancel the job, expire it at
 * the vendor) as soon as the CLI has printed what it should print first.
 */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: childEnvironment(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      for (const listener of listeners) listener();
      resolve({ code, stdout, stderr });
    });
  });
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  return {
    done,
    waitForOutput: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout)) {
            listeners.delete(check);
            resolve();
          } else if (exited || child.exitCode !== null) {
            listeners.delete(check);
            reject(new Error(`the CLI exited before printing ${pattern}: ${stdout}${stderr}`));
          }
        };
        listeners.add(check);
        check();
      }),
  };
}
