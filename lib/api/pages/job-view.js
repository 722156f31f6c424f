// One job: its facts, a timeline of its snapshots, progress over time (uPlot), cancel and rewatch.
import { jobs, serverNow } from './api.js';
import { byId, el, statusBadge } from './dom.js';
import {
  estimateEtaSeconds,
  formatDuration,
  formatRelative,
  formatTimestamp,
  isFinal,
  sampleOf,
} from './format.js';

const MAX_HISTORY = 2000;
/** Timeline rows drawn (newest first); the chart uses every snapshot read. */
const MAX_TIMELINE_ROWS = 300;

let chart;
let chartJobId;
let shownJobId;
let current;

export function setUpJobView(onChanged) {
  const cancel = byId('job-cancel');
  const confirm = byId('job-cancel-confirm');
  const result = byId('job-action-result');
  // Two steps instead of a dialog: a stray click never cancels a job.
  cancel.addEventListener('click', () => {
    cancel.hidden = true;
    confirm.hidden = false;
    confirm.focus();
  });
  confirm.addEventListener('click', async () => {
    if (!current) return;
    confirm.disabled = true;
    try {
      const answer = await jobs.cancel(current.jobId);
      result.textContent = `Cancel: ${answer.message}`;
    } catch (error) {
      result.textContent = `Cancel failed: ${error.message}`;
    } finally {
      confirm.disabled = false;
      confirm.hidden = true;
      cancel.hidden = false;
      onChanged();
    }
  });
  byId('job-rewatch').addEventListener('click', async () => {
    if (!current) return;
    try {
      const job = await jobs.rewatch(current.jobId);
      result.textContent = `Rewatch: attempt ${job.watch?.attempt ?? 1}, ${job.watch?.state ?? 'WATCHING'}`;
    } catch (error) {
      result.textContent = `Rewatch refused: ${error.message}`;
    }
    onChanged();
  });
}

/** The history read for the job shown, kept while its version stays the same. */
let snapshots = [];

export async function refreshJob(jobId) {
  const job = await jobs.get(jobId);
  if (shownJobId !== jobId) {
    byId('job-action-result').textContent = '';
    shownJobId = jobId;
    snapshots = [];
  }
  current = job;
  // The history only grows with a new version: while the version stands, one small request a
  // refresh is enough (a long job's history can be many pages).
  if (snapshots.at(-1)?.version !== job.version) {
    const history = await jobs.history(jobId, MAX_HISTORY);
    snapshots = history.items.some((item) => item.version === job.version)
      ? history.items
      : [...history.items, job];
  }
  drawHead(job);
  drawFacts(job, snapshots);
  drawTimeline(snapshots);
  drawChart(jobId, snapshots);
}

function drawHead(job) {
  byId('job-title').textContent = job.jobId;
  const badge = byId('job-status');
  badge.className = `badge status-${job.status.toLowerCase()}`;
  badge.textContent = job.status;
  document.title = `${job.status} ${job.jobId} · jobwatch`;
  const final = isFinal(job.status);
  byId('job-cancel').disabled = final;
  byId('job-cancel').title = final ? `The job ended ${job.status}` : 'Cancel at the vendor and stop watching';
  const rewatchable = !final && job.watch?.state === 'STOPPED';
  byId('job-rewatch').disabled = !rewatchable;
  byId('job-rewatch').title = rewatchable
    ? 'Watch this job again'
    : final
      ? 'A final job is not watched again'
      : 'The job is being watched';
}

function fact(name, value, title) {
  if (value === undefined || value === null || value === '') return [];
  return [el('dt', {}, name), el('dd', title ? { title } : {}, value)];
}

function when(iso, now) {
  if (!iso) return undefined;
  return `${formatRelative(iso, now)} (${formatTimestamp(iso)})`;
}

function json(value) {
  if (value === undefined) return undefined;
  return el('code', { class: 'mono wrap' }, JSON.stringify(value));
}

function drawFacts(job, snapshots) {
  const now = serverNow();
  byId('job-facts').replaceChildren(
    ...stateFacts(job, snapshots, now),
    ...watchFacts(job, now),
    ...timeFacts(job, now),
    ...fact('Version', String(job.version)),
    ...fact('Reference', json(job.reference)),
    ...fact('Details', json(job.details)),
  );
}

function stateFacts(job, snapshots, now) {
  const eta = estimateEtaSeconds(snapshots.map(sampleOf), now);
  const progress =
    typeof job.progress === 'number'
      ? `${Math.round(job.progress)}%${job.partial ? ' (partial)' : ''}`
      : undefined;
  return [
    ...fact('Vendor', job.vendor),
    ...fact('Connection', job.connection),
    ...fact('Vendor status', job.rawStatus),
    ...fact('Progress', progress),
    ...fact('ETA', eta === undefined ? undefined : `~${formatDuration(eta)}`),
    ...fact('Message', job.message),
    ...fact('Error', job.error ? [job.error.code, job.error.message].filter(Boolean).join(': ') : undefined),
    ...fact('Stalled', job.stalled ? 'yes: no progress for longer than expected' : undefined),
  ];
}

function watchFacts(job, now) {
  const { watch, watchIssue: issue } = job;
  const issueText = issue
    ? `${issue.kind}: ${issue.message} (since ${formatRelative(issue.since, now)}${issue.count ? `, ${issue.count} polls` : ''})`
    : undefined;
  const watchText = watch
    ? [watch.state, watch.attempt ? `attempt ${watch.attempt}` : '', watch.reason ?? '']
        .filter(Boolean)
        .join(' · ')
    : undefined;
  const execution = typeof job.execution === 'object' && job.execution ? json(job.execution) : job.execution;
  return [
    ...fact('Watch issue', issueText),
    ...fact('Watch', watchText),
    ...fact(
      'Last stop',
      watch?.lastStop ? `${watch.lastStop.reason} (${formatTimestamp(watch.lastStop.at)})` : undefined,
    ),
    // Fields a newer API may add; shown when present.
    ...fact('Last polled', when(job.lastPolledAt, now)),
    ...fact('Next poll', when(job.nextPollAt, now)),
    ...fact('Polls', typeof job.polls === 'number' ? String(job.polls) : undefined),
    ...fact('Execution', execution ?? watch?.execution),
  ];
}

function timeFacts(job, now) {
  return [
    ...fact('Created', when(job.createdAt, now)),
    ...fact('Updated', when(job.updatedAt, now)),
    ...fact('Observed', when(job.observedAt, now)),
    ...fact('Vendor updated', when(job.vendorUpdatedAt, now)),
    ...fact('Finished', when(job.finishedAt, now)),
    ...fact('Deadline', when(job.deadline, now)),
  ];
}

/** What changed from one snapshot to the next, in words. */
function changes(previous, snapshot) {
  if (!previous) return ['watch started'];
  const said = [];
  if (previous.status !== snapshot.status) said.push(`${previous.status} → ${snapshot.status}`);
  if (previous.progress !== snapshot.progress && typeof snapshot.progress === 'number') {
    said.push(`${Math.round(snapshot.progress)}%`);
  }
  if (previous.watch?.state !== snapshot.watch?.state && snapshot.watch)
    said.push(`watch ${snapshot.watch.state}`);
  if (!previous.watchIssue && snapshot.watchIssue) said.push(`trouble: ${snapshot.watchIssue.kind}`);
  if (previous.watchIssue && !snapshot.watchIssue) said.push('trouble cleared');
  if (previous.stalled !== snapshot.stalled && snapshot.stalled !== undefined) {
    said.push(snapshot.stalled ? 'stalled' : 'moving again');
  }
  return said.length ? said : ['updated'];
}

function drawTimeline(snapshots) {
  const rows = [];
  const start = Math.max(0, snapshots.length - MAX_TIMELINE_ROWS);
  for (let index = snapshots.length - 1; index >= start; index--) {
    const snapshot = snapshots[index];
    const previous = snapshots[index - 1];
    const statusChanged = !previous || previous.status !== snapshot.status;
    const text = snapshot.watchIssue?.message ?? snapshot.error?.message ?? snapshot.message;
    rows.push(
      el(
        'li',
        { class: `event${statusChanged ? ' status-change' : ''}`, dataset: { version: snapshot.version } },
        el(
          'time',
          { datetime: snapshot.updatedAt, class: 'mono muted' },
          formatTimestamp(snapshot.updatedAt),
        ),
        ' ',
        statusBadge(snapshot.status),
        ' ',
        el('span', { class: 'what' }, changes(previous, snapshot).join(' · ')),
        el('span', { class: 'muted version' }, `v${snapshot.version}`),
        text ? el('span', { class: 'event-message' }, text) : null,
      ),
    );
  }
  if (start > 0) rows.push(el('li', { class: 'muted' }, `${start} older snapshots not shown`));
  byId('job-timeline').replaceChildren(...rows);
}

function drawChart(jobId, snapshots) {
  const points = snapshots
    .filter((snapshot) => typeof snapshot.progress === 'number')
    .map((snapshot) => [Date.parse(snapshot.updatedAt) / 1000, snapshot.progress]);
  const container = byId('job-chart');
  byId('job-chart-empty').hidden = points.length > 0;
  container.hidden = points.length === 0;
  if (points.length === 0) return;
  const data = [points.map((point) => point[0]), points.map((point) => point[1])];
  if (chart && chartJobId === jobId) {
    chart.setData(data);
    return;
  }
  chart?.destroy();
  chartJobId = jobId;
  const stroke = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#1f6feb';
  const axis = getComputedStyle(document.documentElement).getPropertyValue('--fg-muted').trim() || '#666';
  chart = new globalThis.uPlot(
    {
      width: chartWidth(container),
      height: 220,
      scales: { y: { range: [0, 100] } },
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      axes: [
        { stroke: axis, grid: { stroke: 'rgba(128,128,128,0.2)' } },
        {
          stroke: axis,
          values: (_plot, ticks) => ticks.map((tick) => `${tick}%`),
          grid: { stroke: 'rgba(128,128,128,0.2)' },
        },
      ],
      series: [
        {},
        {
          label: 'Progress',
          stroke,
          width: 2,
          fill: 'rgba(31,111,235,0.12)',
          points: { show: points.length < 60 },
        },
      ],
    },
    data,
    container,
  );
}

function chartWidth(container) {
  return Math.max(240, Math.floor(container.getBoundingClientRect().width || 600));
}

export function resizeChart() {
  if (!chart) return;
  const container = byId('job-chart');
  chart.setSize({ width: chartWidth(container), height: 220 });
}

export function forgetChart() {
  chart?.destroy();
  chart = undefined;
  chartJobId = undefined;
}
