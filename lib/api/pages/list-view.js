// The job list: counts by status, filters, and one dense row per job.
import { connections, jobs, serverNow } from './api.js';
import { byId, el, progressBar, statusBadge } from './dom.js';
import { estimateEtaSeconds, formatDuration, formatRelative, formatTimestamp, sampleOf } from './format.js';

export const STATUSES = [
  'RUNNING',
  'QUEUED',
  'SUSPENDED',
  'UNKNOWN',
  'FAILED',
  'TIMED_OUT',
  'LOST',
  'CANCELLED',
  'SUCCEEDED',
];

/** The newest jobs the list reads per refresh; beyond them it says it shows only these. */
const MAX_JOBS = 500;
/** Running jobs whose history is read per refresh to seed their ETA (the rest wait a turn). */
const SEEDS_PER_REFRESH = 8;
const MAX_SAMPLES = 200;

/** Progress points per job, across refreshes: the ETA's input. */
const samples = new Map();
const seeded = new Set();
let filterOptionsLoaded = false;

export function readFilters(params) {
  return {
    status: params.get('status') ?? '',
    vendor: params.get('vendor') ?? '',
    connection: params.get('connection') ?? '',
  };
}

/** Wires the filter controls to the URL (`#/?status=RUNNING&vendor=okast`), so a view can be shared. */
export function setUpFilters(onChange) {
  const status = byId('filter-status');
  for (const value of STATUSES) status.append(el('option', { value }, value));
  const form = byId('filters');
  form.addEventListener('change', () => {
    const params = new URLSearchParams();
    for (const name of ['status', 'vendor', 'connection']) {
      const value = form.elements.namedItem(name).value;
      if (value) params.set(name, value);
    }
    location.hash = `#/?${params}`;
    onChange();
  });
  byId('filter-clear').addEventListener('click', () => {
    location.hash = '#/';
    onChange();
  });
}

async function loadFilterOptions() {
  if (filterOptionsLoaded) return;
  const items = await connections();
  const vendor = byId('filter-vendor');
  const connection = byId('filter-connection');
  for (const name of [...new Set(items.map((item) => item.vendor))].sort()) {
    vendor.append(el('option', { value: name }, name));
  }
  for (const item of [...items].sort((a, b) => a.name.localeCompare(b.name))) {
    connection.append(el('option', { value: item.name }, item.name));
  }
  filterOptionsLoaded = true;
}

function showFilters(filters) {
  for (const [name, value] of Object.entries(filters)) {
    const select = byId(`filter-${name}`);
    if (value && ![...select.options].some((option) => option.value === value)) {
      select.append(el('option', { value }, value));
    }
    select.value = value;
  }
}

/** One refresh: reads the jobs (counts over every status, rows for the chosen one) and draws them. */
export async function refreshList(filters) {
  await loadFilterOptions();
  showFilters(filters);
  const scope = {};
  if (filters.vendor) scope.vendor = filters.vendor;
  if (filters.connection) scope.connection = filters.connection;
  const all = await jobs.list(scope, MAX_JOBS);
  const shown = filters.status ? await jobs.list({ ...scope, status: filters.status }, MAX_JOBS) : all;
  for (const job of [...all.items, ...shown.items]) remember(job);
  await seedEtas(shown.items);
  drawCounts(all, filters);
  drawRows(shown, filters);
}

function remember(job) {
  const list = samples.get(job.jobId) ?? [];
  if (list.at(-1)?.version === job.version) return;
  list.push(sampleOf(job));
  list.sort((a, b) => a.at - b.at);
  samples.set(job.jobId, list.slice(-MAX_SAMPLES));
}

/** A running job first seen mid-way has no rate yet: its history supplies the points before. */
async function seedEtas(items) {
  const unseeded = items.filter(
    (job) => job.status === 'RUNNING' && typeof job.progress === 'number' && !seeded.has(job.jobId),
  );
  await Promise.all(
    unseeded.slice(0, SEEDS_PER_REFRESH).map(async (job) => {
      seeded.add(job.jobId);
      const history = await jobs.history(job.jobId, 100).catch(() => ({ items: [] }));
      const known = new Set((samples.get(job.jobId) ?? []).map((sample) => sample.version));
      const merged = [
        ...(samples.get(job.jobId) ?? []),
        ...history.items.filter((snapshot) => !known.has(snapshot.version)).map(sampleOf),
      ];
      samples.set(
        job.jobId,
        merged.sort((a, b) => a.at - b.at),
      );
    }),
  );
}

export function etaOf(job) {
  return estimateEtaSeconds(samples.get(job.jobId) ?? [sampleOf(job)], serverNow());
}

function drawCounts(page, filters) {
  const counts = new Map(STATUSES.map((status) => [status, 0]));
  for (const job of page.items) counts.set(job.status, (counts.get(job.status) ?? 0) + 1);
  byId('counts').replaceChildren(
    countLink(filters, 'all', `${page.items.length}${page.truncated ? '+' : ''}`),
    ...STATUSES.map((status) => countLink(filters, status, String(counts.get(status) ?? 0), status)),
  );
}

/** One count, as a link that filters the list to its status. */
function countLink(filters, label, count, status = '') {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, status })) {
    if (value) params.set(name, value);
  }
  const kind = status ? `status-${status.toLowerCase()}` : 'all';
  return el(
    'li',
    { class: `count ${kind}${count === '0' ? ' zero' : ''}` },
    el(
      'a',
      {
        href: `#/?${params}`,
        'aria-current': status === filters.status ? 'true' : undefined,
        dataset: { status: status || 'ALL' },
      },
      el('span', { class: 'count-label' }, label),
      ' ',
      el('span', { class: 'count-value' }, count),
    ),
  );
}

function drawRows(page, filters) {
  const now = serverNow();
  const rows = page.items.map((job) => jobRow(job, now));
  byId('jobs-body').replaceChildren(...rows);
  byId('jobs-empty').hidden = rows.length > 0;
  const active = Object.entries(filters)
    .filter(([, value]) => value)
    .map(([name, value]) => `${name} ${value}`);
  byId('jobs-caption').textContent =
    `${rows.length}${page.truncated ? ` newest` : ''} job${rows.length === 1 ? '' : 's'}` +
    (active.length ? ` · ${active.join(' · ')}` : '');
}

function jobRow(job, now) {
  const eta = etaOf(job);
  const message = job.watchIssue
    ? `⚠ ${job.watchIssue.kind}: ${job.watchIssue.message}`
    : (job.error?.message ?? job.message ?? '');
  return el(
    'tr',
    { dataset: { jobId: job.jobId, status: job.status, vendor: job.vendor, connection: job.connection } },
    el(
      'td',
      { class: 'status' },
      statusBadge(job.status),
      job.stalled ? el('span', { class: 'flag' }, 'stalled') : null,
    ),
    el(
      'td',
      { class: 'job' },
      el('a', { href: `#/jobs/${encodeURIComponent(job.jobId)}`, class: 'mono' }, job.jobId),
      el('span', { class: 'muted vendor' }, job.vendor),
    ),
    el('td', { class: 'connection' }, job.connection),
    el('td', { class: 'progress-cell' }, progressBar(job.progress)),
    el('td', { class: 'eta num' }, eta === undefined ? '–' : `~${formatDuration(eta)}`),
    el(
      'td',
      { class: 'updated num', title: formatTimestamp(job.updatedAt) },
      formatRelative(job.updatedAt, now),
    ),
    el('td', { class: `message${job.watchIssue ? ' issue' : ''}`, title: message }, message),
  );
}
