// Formatting for people on call: short relative times ("3m ago"), compact durations, and an
// ETA from the progress a job has shown over time.

/** `90` → `1m 30s`, `7200` → `2h`; whole units, at most two of them. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '–';
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total}s`;
  const units = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts = [];
  let rest = total;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(count > 0 ? `${count}${unit}` : '');
    if (parts.length === 2) break;
  }
  return parts.filter(Boolean).join(' ');
}

/** An ISO time relative to `now` (ms): `12s ago`, `in 3m`, `just now`. */
export function formatRelative(iso, now) {
  const at = Date.parse(iso ?? '');
  if (!Number.isFinite(at)) return '–';
  const seconds = (now - at) / 1000;
  if (Math.abs(seconds) < 2) return 'just now';
  return seconds > 0 ? `${formatDuration(seconds)} ago` : `in ${formatDuration(-seconds)}`;
}

/** The exact time, for a tooltip or a timeline row: `2026-12-03 06:41:07Z`. */
export function formatTimestamp(iso) {
  const at = Date.parse(iso ?? '');
  if (!Number.isFinite(at)) return '–';
  return new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'LOST', 'TIMED_OUT']);

export function isFinal(status) {
  return FINAL.has(status);
}

/**
 * Seconds until 100 %, from the latest stretch of RUNNING snapshots with progress: the average
 * rate since that stretch began, projected from its last point. Undefined while there is no
 * rate to project (one point, no progress made, not running).
 * `samples`: [{ at: ms, progress, status }], oldest first.
 */
export function estimateEtaSeconds(samples, now) {
  const latest = samples.at(-1);
  if (latest?.status !== 'RUNNING' || typeof latest.progress !== 'number') return undefined;
  let first = latest;
  for (let index = samples.length - 2; index >= 0; index--) {
    const sample = samples[index];
    if (sample.status !== 'RUNNING' || typeof sample.progress !== 'number') break;
    first = sample;
  }
  const gained = latest.progress - first.progress;
  const elapsed = (latest.at - first.at) / 1000;
  if (!(gained > 0) || !(elapsed > 0)) return undefined;
  const remaining = ((100 - latest.progress) * elapsed) / gained;
  // The estimate was made at the last change; time has passed since.
  return Math.max(0, remaining - Math.max(0, (now - latest.at) / 1000));
}

/** A snapshot as an ETA sample: when it changed, its progress and status. */
export function sampleOf(job) {
  return { at: Date.parse(job.updatedAt), progress: job.progress, status: job.status, version: job.version };
}
