// The dashboard: `#/` is the job list, `#/jobs/<id>` one job. Both refresh every couple of
// seconds while the tab is visible.
import { AuthRequiredError, setToken } from './api.js';
import { byId } from './dom.js';
import { forgetChart, refreshJob, resizeChart, setUpJobView } from './job-view.js';
import { readFilters, refreshList, setUpFilters } from './list-view.js';

const REFRESH_MS = 2000;

let timer;
let running = false;
/** A refresh asked for while one runs (a click, a new route): it runs right after. */
let again = false;
let lastSuccess;

function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const job = /^\/jobs\/([^/]+)$/.exec(path ?? '');
  return job
    ? { view: 'job', jobId: decodeURIComponent(job[1]) }
    : { view: 'list', params: new URLSearchParams(query) };
}

async function refresh() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  again = false;
  clearTimeout(timer);
  const where = route();
  byId('list-view').hidden = where.view !== 'list';
  byId('job-view').hidden = where.view !== 'job';
  try {
    if (where.view === 'job') await refreshJob(where.jobId);
    else {
      forgetChart();
      document.title = 'jobwatch';
      await refreshList(readFilters(where.params));
    }
    lastSuccess = Date.now();
    byId('error').hidden = true;
    byId('auth').hidden = true;
  } catch (error) {
    showError(error);
  } finally {
    running = false;
    showLive();
    if (again) timer = setTimeout(refresh, 0);
    else if (!document.hidden) timer = setTimeout(refresh, REFRESH_MS);
  }
}

function showError(error) {
  if (error instanceof AuthRequiredError) {
    byId('auth').hidden = false;
    return;
  }
  const banner = byId('error');
  banner.textContent = `Cannot refresh: ${error.message}`;
  banner.hidden = false;
}

function showLive() {
  const live = byId('live');
  if (lastSuccess === undefined) {
    live.textContent = 'not connected';
    live.dataset.state = 'down';
    return;
  }
  const seconds = Math.round((Date.now() - lastSuccess) / 1000);
  live.dataset.state = seconds > 10 ? 'stale' : 'live';
  live.textContent =
    seconds > 10 ? `stale: last update ${seconds}s ago` : `live · every ${REFRESH_MS / 1000}s`;
}

function start() {
  setUpFilters(refresh);
  setUpJobView(refresh);
  byId('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(byId('auth-token').value.trim());
    byId('auth-token').value = '';
    refresh();
  });
  window.addEventListener('hashchange', refresh);
  window.addEventListener('resize', resizeChart);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh();
  });
  refresh();
}

start();
