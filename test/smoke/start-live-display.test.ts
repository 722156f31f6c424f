import { describe, expect, it } from 'vitest';
import { type DemoJobView, DemoProgressView } from '../../local/demo.js';
import { Screen, screenStream } from '../cli/screen.js';

const CONNECTIONS = ['demo-avid', 'demo-cinegy', 'demo-okast', 'demo-vdg', 'demo-admiralcloud'];

/** A round of the demo's jobs, with the long vendor statuses and issues that used to wrap. */
function round(progress: number): DemoJobView[] {
  return CONNECTIONS.map((connection, index) => ({
    jobId: `jw-${index}`,
    connection,
    status: 'RUNNING',
    progress,
    rawStatus: index === 1 ? 'Processing (transcoding reel 2 of 3)' : 'running',
    ...(index === 4
      ? { watchIssue: { kind: 'vendor-unreachable', message: 'connect ECONNREFUSED 127.0.0.1:40111' } }
      : {}),
  }));
}

describe("npm start's live display", () => {
  it('redraws in place at 80 columns: after many redraws the screen holds one line per job', () => {
    const screen = new Screen(80);
    const view = new DemoProgressView(screenStream(screen), CONNECTIONS);

    view.note('event  Job Status Changed: demo-avid UNKNOWN → RUNNING');
    for (let progress = 0; progress <= 100; progress += 5) view.render(round(progress));

    const rows = screen.text();
    expect(rows).toHaveLength(1 + CONNECTIONS.length);
    expect(rows[0]).toBe('event  Job Status Changed: demo-avid UNKNOWN → RUNNING');
    for (const connection of CONNECTIONS) {
      expect(rows.filter((row) => row.startsWith(`${connection} `))).toHaveLength(1);
    }
    expect(rows.every((row) => row.length < 80)).toBe(true);
    expect(rows[5]).toMatch(/^demo-admiralcloud\s+RUNNING\s+\[#{20}\] 100% {2}running {2}\(vendor-unr.*…$/);
  });

  it('prints the events that come after the demo jobs ended, below the last drawing', () => {
    const screen = new Screen(80);
    const view = new DemoProgressView(screenStream(screen), CONNECTIONS);

    view.render(round(100));
    view.note('event  Job Status Changed: demo-okast RUNNING → SUCCEEDED');
    view.release();
    view.note('event  Job Status Changed: demo-avid UNKNOWN → RUNNING');

    expect(screen.text().slice(-2)).toEqual([
      'event  Job Status Changed: demo-okast RUNNING → SUCCEEDED',
      'event  Job Status Changed: demo-avid UNKNOWN → RUNNING',
    ]);
    expect(screen.text()).toHaveLength(CONNECTIONS.length + 2);
  });

  it('uses the width of a wider terminal', () => {
    const screen = new Screen(160);
    const view = new DemoProgressView(screenStream(screen), CONNECTIONS);

    view.render(round(40));

    expect(screen.text()[4]).toContain('(vendor-unreachable: connect ECONNREFUSED 127.0.0.1:40111)');
  });

  it('prints plain lines, one per change and at most 80 columns, when stdout is not a terminal', () => {
    const written: string[] = [];
    const view = new DemoProgressView({ write: (text: string) => written.push(text) }, CONNECTIONS);

    view.render(round(40));
    view.render(round(40));
    view.note('event  Job Status Changed: demo-avid RUNNING → SUCCEEDED');

    const lines = written.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(CONNECTIONS.length + 1);
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no cursor movement in a log
    expect(written.join('')).not.toMatch(/\u001b/);
  });
});
