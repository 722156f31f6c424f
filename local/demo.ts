import { DEFAULT_COLUMNS, fitLine, LiveBlock, type TerminalStream, terminalWidth } from '../cli/terminal.js';
import type { ConnectionInput } from '../lib/config/connections.js';
import type { VendorName } from '../lib/jobs/job.js';
import type { Clock } from './clock.js';
import { AdmiralCloudSimulator } from './simulators/admiralcloud/index.js';
import { AvidCtmsSimulator } from './simulators/avid-ctms/index.js';
import { CinegyPcsSimulator } from './simulators/cinegy-pcs/index.js';
import { OkastSimulator } from './simulators/okast/index.js';
import { VdgSenseSimulator } from './simulators/vdg-sense/index.js';

/** What the demo needs of a vendor simulator. */
export interface DemoSimulator {
  readonly credentials: Record<string, string>;
  connectionOptions(): Record<string, unknown>;
  start(): Promise<string>;
  close(): Promise<void>;
  createDemoJob(durationSeconds: number): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface DemoVendor {
  vendor: VendorName;
  connection: string;
  simulator: DemoSimulator;
}

/** One simulator per vendor, each on its own loopback port, all on the same clock. */
export function createDemoVendors(clock: Clock): DemoVendor[] {
  return [
    { vendor: 'avid-ctms', connection: 'demo-avid', simulator: new AvidCtmsSimulator({ clock }) },
    { vendor: 'cinegy-pcs', connection: 'demo-cinegy', simulator: new CinegyPcsSimulator({ clock }) },
    { vendor: 'okast', connection: 'demo-okast', simulator: new OkastSimulator({ clock }) },
    { vendor: 'vdg-sense', connection: 'demo-vdg', simulator: new VdgSenseSimulator({ clock }) },
    {
      vendor: 'admiralcloud',
      connection: 'demo-admiralcloud',
      simulator: new AdmiralCloudSimulator({ clock, rtsClock: 'simulated' }),
    },
  ];
}

/** Starts the simulators and returns the connections an operator would configure for them. */
export async function startDemoVendors(vendors: readonly DemoVendor[]): Promise<ConnectionInput[]> {
  const connections: ConnectionInput[] = [];
  for (const { vendor, connection, simulator } of vendors) {
    const baseUrl = await simulator.start();
    connections.push({
      name: connection,
      vendor,
      baseUrl,
      credentials: simulator.credentials,
      options: simulator.connectionOptions(),
    });
  }
  return connections;
}

/** What the live view shows of a job. */
export interface DemoJobView {
  jobId: string;
  connection: string;
  status: string;
  progress?: number | undefined;
  rawStatus?: string | undefined;
  watchIssue?: { kind: string; message: string } | undefined;
}

/**
 * `npm start`'s live progress: one line per demo job, redrawn in place on a terminal (each line
 * cut to its width, so a redraw leaves no rows behind), and one plain line per change otherwise
 * (a log, a pipe, CI), without any cursor movement.
 */
export class DemoProgressView {
  private readonly block: LiveBlock;
  private readonly lastLine = new Map<string, string>();
  private readonly notes: string[] = [];
  private live = true;

  constructor(
    private readonly stream: TerminalStream,
    private readonly connections: readonly string[],
  ) {
    this.block = new LiveBlock(stream);
  }

  private get interactive(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** A line that stays (an event): above the live lines on a terminal, as it comes otherwise. */
  note(line: string): void {
    if (this.interactive && this.live) this.notes.push(line);
    else this.stream.write(`${fitLine(line, DEFAULT_COLUMNS)}\n`);
  }

  /** Ends the live lines: they stay as drawn, and notes from now on are printed as they come. */
  release(): void {
    this.live = false;
    this.block.release();
    for (const line of this.notes.splice(0))
      this.stream.write(`${fitLine(line, terminalWidth(this.stream) - 1)}\n`);
  }

  render(jobs: readonly DemoJobView[]): void {
    const width = Math.max(...this.connections.map((name) => name.length));
    const lines = jobs.map((job) => demoLine(job, width));
    if (this.interactive) {
      this.block.render(lines, this.notes.splice(0));
      return;
    }
    for (const [index, line] of lines.entries()) {
      const key = jobs[index]?.jobId ?? String(index);
      if (this.lastLine.get(key) !== line) this.stream.write(`${fitLine(line, DEFAULT_COLUMNS)}\n`);
      this.lastLine.set(key, line);
    }
  }
}

function demoLine(job: DemoJobView, width: number): string {
  const percent = job.progress ?? (job.status === 'SUCCEEDED' ? 100 : undefined);
  const bar = percent === undefined ? ' '.repeat(22) : progressBar(percent);
  const shown = percent === undefined ? '  - ' : `${String(Math.round(percent)).padStart(3)}%`;
  const issue = job.watchIssue ? `  (${job.watchIssue.kind}: ${job.watchIssue.message})` : '';
  return `${job.connection.padEnd(width)}  ${job.status.padEnd(9)} ${bar} ${shown}  ${job.rawStatus ?? ''}${issue}`;
}

function progressBar(percent: number): string {
  const filled = Math.round(Math.min(100, Math.max(0, percent)) / 5);
  return `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}]`;
}
