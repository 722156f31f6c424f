import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import type { AvidCtmsSimulator } from '../../local/simulators/avid-ctms/index.js';
import { startLocalStack } from '../../local/stack.js';
import { type DemoStack, launchChromium, startDemoStack } from './demo-stack.js';

/** `DASHBOARD_SCREENSHOTS=1` writes the README's screenshots while the tests run. */
/**
 * How long a step may take to show: the page lists through the API every 2 s, and with the whole
 * suite sharing two cores each listing (64 shard queries on dynalite, bundled functions) can take
 * seconds. A bound for a loaded machine, not a speed claim.
 */
const LOADED_MS = 30_000;
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS === '1';
const docsDirectory = fileURLToPath(new URL('../../docs/', import.meta.url));

/** What the test reads of a canvas (the project's TypeScript has no DOM library). */
interface Canvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** A vendor message written to run script if the page ever treated job data as markup. */
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

/**
 * The dashboard in a real headless Chromium against the real local stack: a simulator per
 * vendor, a demo job on each, on a clock 20 times faster than real time.
 */
describe('the dashboard in a browser', () => {
  let demo: DemoStack;
  let browser: Browser;
  let page: Page;
  let longJob: PublicJob;
  let hostileJob: PublicJob;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    demo = await startDemoStack({ speed: 20, jobSeconds: 1200 });
    const avid = demo.vendors[0]?.simulator as AvidCtmsSimulator;
    longJob = await demo.watch('demo-avid', avid.createDemoJob(100_000));
    hostileJob = await demo.watch(
      'demo-avid',
      avid.createCommand({
        steps: [
          { at: 0, progress: 10, state: { lifecycle: 'running', state: { text: HOSTILE, code: 'X' } } },
        ],
      }),
    );
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Chromium reports a CSP violation (and any failed load) as a console error.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const rows = () => page.locator('#jobs-body tr');
  const row = (jobId: string) => page.locator(`#jobs-body tr[data-job-id="${jobId}"]`);
  const countOf = async (status: string) =>
    Number(await page.locator(`#counts a[data-status="${status}"] .count-value`).textContent());

  it('lists the demo jobs with their counts by status', async () => {
    await page.goto(`${demo.stack.apiUrl}/`);
    const all = [...demo.jobs, longJob, hostileJob];
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(all.length);

    for (const job of demo.jobs) {
      await expect.poll(() => row(job.jobId).getAttribute('data-connection')).toBe(job.connection);
    }
    expect(await countOf('ALL')).toBe(all.length);
    const statuses = await rows().evaluateAll((elements) =>
      elements.map(
        (element) => (element as unknown as { dataset: Record<string, string> }).dataset.status ?? '',
      ),
    );
    for (const status of new Set(statuses)) {
      expect(await countOf(status)).toBe(statuses.filter((value) => value === status).length);
    }
    if (SCREENSHOTS) await screenshot('dashboard-list.png');
  }, 30_000);

  it("updates a running job's progress live, without a reload", async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    const progressOf = (jobId: string) =>
      row(jobId)
        .locator('[role="progressbar"]')
        .getAttribute('aria-valuenow', { timeout: 15_000 })
        .then(Number);
    const avidJob = demo.jobs[0] as PublicJob;
    await expect.poll(() => progressOf(avidJob.jobId), { timeout: 20_000 }).toBeGreaterThan(0);
    const before = await progressOf(avidJob.jobId);

    await expect
      .poll(() => progressOf(avidJob.jobId), { timeout: 45_000, interval: 500 })
      .toBeGreaterThan(before);
    expect(
      await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
  }, 60_000);

  it('shows a hostile vendor message as text and runs none of it', async () => {
    const message = row(hostileJob.jobId).locator('td.message');
    await expect.poll(() => message.textContent(), { timeout: 20_000 }).toBe(HOSTILE);

    expect(await page.locator('#jobs-body img, #jobs-body script').count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
  }, 30_000);

  it(
    'narrows the list with the vendor, connection and status filters',
    async () => {
      await page.selectOption('#filter-vendor', 'okast');
      await expect.poll(() => rows().count(), { timeout: LOADED_MS }).toBe(1);
      expect(await rows().first().getAttribute('data-vendor')).toBe('okast');
      expect(page.url()).toContain('vendor=okast');

      await page.click('#filter-clear');
      await page.selectOption('#filter-connection', 'demo-avid');
      await expect.poll(() => rows().count(), { timeout: LOADED_MS }).toBe(3);

      await page.selectOption('#filter-status', 'SUCCEEDED');
      await expect.poll(() => rows().count(), { timeout: LOADED_MS }).toBe(0);
      expect(await page.locator('#jobs-empty').isVisible()).toBe(true);
      await page.click('#filter-clear');
      await expect.poll(() => rows().count(), { timeout: LOADED_MS }).toBe(demo.jobs.length + 2);
    },
    4 * LOADED_MS + 10_000,
  );

  it(
    "draws the job's progress over time and its history as a timeline",
    async () => {
      const avidJob = demo.jobs[0] as PublicJob;
      await page.click(`a[href="#/jobs/${avidJob.jobId}"]`);
      await expect
        .poll(() => page.locator('#job-title').textContent(), { timeout: LOADED_MS })
        .toBe(avidJob.jobId);
      await page.locator('#job-chart canvas').waitFor({ timeout: LOADED_MS });

      const inked = await page.locator('#job-chart canvas').evaluate((element) => {
        const canvas = element as unknown as Canvas;
        const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let index = 0; index < (pixels?.length ?? 0); index += 4) {
          const [red, green, blue, alpha] = [0, 1, 2, 3].map((channel) => pixels?.[index + channel] ?? 0);
          if (
            (alpha as number) > 200 &&
            (blue as number) > 150 &&
            (red as number) < 80 &&
            (green as number) < 150
          )
            count++;
        }
        return count;
      });
      // The series' own colour, not just the grid: the progress line was drawn.
      expect(inked).toBeGreaterThan(50);
      await expect.poll(() => page.locator('#job-timeline li.event').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('#job-timeline li.event').last().textContent()).toContain('watch started');
      expect(await page.locator('#job-facts').textContent()).toContain('demo-avid');
      if (SCREENSHOTS) await screenshot('dashboard-job.png');
    },
    3 * LOADED_MS + 10_000,
  );

  it('cancels a job that is still running, and then offers no cancel', async () => {
    await page.goto(`${demo.stack.apiUrl}/#/jobs/${longJob.jobId}`);
    await expect
      .poll(() => page.locator('#job-title').textContent(), { timeout: 10_000 })
      .toBe(longJob.jobId);
    expect(await page.locator('#job-cancel').isEnabled()).toBe(true);

    await page.click('#job-cancel');
    await page.click('#job-cancel-confirm');

    await expect.poll(() => page.locator('#job-status').textContent(), { timeout: 15_000 }).toBe('CANCELLED');
    expect(await page.locator('#job-action-result').textContent()).toMatch(/^Cancel: /);
    expect(await page.locator('#job-cancel').isDisabled()).toBe(true);
    expect((await demo.api<PublicJob>(`/jobs/${longJob.jobId}`)).status).toBe('CANCELLED');
  }, 30_000);

  it('fits the list and a job page in an 80-column-wide window without sideways scrolling', async () => {
    await page.setViewportSize({ width: 640, height: 900 });
    await page.goto(`${demo.stack.apiUrl}/#/`);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(demo.jobs.length + 2);

    expect(await scrollWidth()).toBeLessThanOrEqual(640);
    await page.goto(`${demo.stack.apiUrl}/#/jobs/${demo.jobs[0]?.jobId}`);
    await page.locator('#job-chart canvas').waitFor({ timeout: 10_000 });
    expect(await scrollWidth()).toBeLessThanOrEqual(640);
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 30_000);

  it('renders /docs grouped by tag, with no Authorize button or locks on the local API', async () => {
    await page.goto(`${demo.stack.apiUrl}/docs`);
    await page.locator('.opblock-tag').first().waitFor({ timeout: 15_000 });

    const tags = await page
      .locator('.opblock-tag')
      .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-tag')));
    expect(tags).toEqual(['watches', 'jobs', 'operations']);
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(8);
    expect(await page.locator('button.authorize, .auth-wrapper button').count()).toBe(0);
    expect(await page.locator('.authorization__btn').count()).toBe(0);
  }, 30_000);

  it('asks for a bearer token when the API wants one, and then uses it', async () => {
    const token = 'a-long-local-token-0123456789';
    const secured = await startLocalStack({
      config: { connections: [], api: { port: 0, token } },
      logLevel: 'SILENT',
    });
    const tokenPage = await browser.newPage();
    const sent: string[] = [];
    tokenPage.on('request', (request) => {
      if (request.url().includes('/connections')) sent.push(request.headers().authorization ?? '');
    });
    try {
      await tokenPage.goto(`${secured.apiUrl}/`);
      await tokenPage.locator('#auth').waitFor({ state: 'visible', timeout: 10_000 });

      await tokenPage.fill('#auth-token', token);
      await tokenPage.click('#auth-form button[type="submit"]');

      await tokenPage.locator('#auth').waitFor({ state: 'hidden', timeout: 10_000 });
      await expect
        .poll(() => tokenPage.locator('#jobs-caption').textContent(), { timeout: 10_000 })
        .toBe('0 jobs');
      expect(sent.at(-1)).toBe(`Bearer ${token}`);
      expect(await tokenPage.locator('#auth-token').inputValue()).toBe('');
    } finally {
      await tokenPage.close();
      await secured.close();
    }
  }, 30_000);

  it('ran without a script error, a failed load or a CSP violation', () => {
    expect(problems).toEqual([]);
  });

  it('ran a healthy demo: no watch had trouble reading its vendor', async () => {
    // A watch issue here — say an AdmiralCloud signature refused because the functions' clock
    // and the simulator's disagreed — would be the demo's fault, not a vendor's. Checked last,
    // when a drifting clock would have drifted furthest.
    const listed = await demo.api<{ items: Array<{ jobId: string; watchIssue?: unknown }> }>(
      '/jobs?limit=100',
    );
    expect(listed.items.filter((job) => job.watchIssue !== undefined)).toEqual([]);
  });

  function scrollWidth(): Promise<number> {
    return page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
          .documentElement.scrollWidth,
    );
  }

  async function screenshot(name: string) {
    mkdirSync(docsDirectory, { recursive: true });
    // A moment for the next refresh, so the picture shows settled relative times.
    await page.waitForTimeout(2500);
    await page.screenshot({ path: `${docsDirectory}${name}`, fullPage: true });
  }
});
