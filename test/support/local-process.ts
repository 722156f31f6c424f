import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const API_URL = /http:\/\/127\.0\.0\.1:\d+/;

export interface LocalProcess {
  child: ChildProcess;
  /** The API's URL, as the process printed it. */
  apiUrl: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
}

/**
 * `npm start -- --config FILE` as an operator runs it, in a child process, once it prints its
 * API's URL. The tsx loader runs in the child itself (tsx's CLI would run the stack in a
 * grandchild that a SIGKILL of its parent leaves running, holding a data directory's lock).
 */
export async function startLocalProcess(configPath: string): Promise<LocalProcess> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--config', configPath], {
    cwd: root,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await waitUntil(async () => API_URL.test(output), 60_000);
  return { child, apiUrl: API_URL.exec(output)?.[0] ?? '', output: () => output };
}
