import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './browser.ts';
import { webJob } from './web-job.ts';

// The callbacks given to waitForFunction run in the page; the project's TypeScript has no DOM types.
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
  body: { dataset: Record<string, string | undefined> };
};

// The README's screenshots come from this test: `EDDY_SCREENSHOTS=docs/img node scripts/test.mjs
// test/ui/dashboard-browser.test.ts` refreshes them. A plain test run writes to a temporary
// directory, so running the suite leaves the work tree clean.
const IMG = process.env.EDDY_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'eddy-screens-'));

const count = (text: string | null) => {
  const t = (text ?? '').trim();
  const n = Number.parseFloat(t);
  return t.endsWith('M') ? n * 1e6 : t.endsWith('k') ? n * 1e3 : n;
};

test('the dashboard in headless Chromium: graph, live numbers, late count, the split holding time back; screenshots', { timeout: 120_000 }, async () => {
  const profile = mkdtempSync(join(tmpdir(), 'eddy-chromium-'));
  const checkpoints = { dir: join(profile, 'checkpoints'), intervalMs: 1_000 };
  const job = webJob({ web: { port: 0, sampleEveryMs: 250 }, checkpoints, restore: { from: 'fresh' } }, 3_000).executeAsync('clicks-dashboard');
  const context = await launchChromium(profile);
  try {
    const { url } = await job.web!;
    const page = context.pages()[0] ?? await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    page.on('pageerror', (e) => void problems.push(e.message));
    const outside: string[] = [];
    page.on('request', (r) => void (!r.url().startsWith(url) && outside.push(r.url())));
    await page.goto(url);

    // The graph: every operator drawn, with its name.
    await page.waitForFunction(() => document.querySelectorAll('#graph .op-node').length === 7, undefined, { timeout: 30_000 });
    const names = await page.$$eval('#graph .op-node', (nodes) => nodes.map((n) => n.getAttribute('data-name')));
    assert.ok(names.includes('events') && names.includes('per second') && names.includes('count per user'), names.join(', '));
    assert.equal(await page.textContent('#job-name'), 'clicks-dashboard');

    // Numbers change as records flow.
    const firstText = await page.textContent('#records-in');
    const firstIn = count(firstText);
    await page.waitForFunction((t) => document.getElementById('records-in')!.textContent !== t, firstText, { timeout: 30_000 });
    const laterIn = count(await page.textContent('#records-in'));
    assert.ok(laterIn > firstIn, `records in went from ${firstIn} to ${laterIn}`);

    // Late events (one in a hundred) show up in the late count and in the samples.
    await page.waitForFunction(() => Number.parseFloat(document.getElementById('late-count')!.textContent!) > 0, undefined, { timeout: 30_000 });
    const lateShown = count(await page.textContent('#late-count'));
    const lateNow = job.metrics().lateDropped;
    assert.ok(lateShown > 0 && lateShown <= lateNow, `the page shows ${lateShown} late, the job has ${lateNow}`);
    await page.waitForSelector('#samples tbody tr', { timeout: 30_000 });
    assert.match((await page.textContent('#samples tbody'))!, /late.*"user":"u3"/s);

    // Why hasn't my window fired: the trailing split is named and marked.
    await page.waitForFunction(() => /generator\[1\]/.test(document.getElementById('held-back')!.textContent!), undefined, { timeout: 30_000 });
    assert.match((await page.textContent('#splits tr.holding'))!, /generator\[1\].*holding time back/);

    // Lags in human units.
    await page.waitForFunction(() => document.querySelectorAll('#watermarks tbody tr').length > 0, undefined, { timeout: 30_000 });
    const lags = await page.$$eval('#watermarks tbody tr td:nth-child(4)', (cells) => cells.map((c) => c.textContent));
    assert.ok(lags.some((l) => /^(\d+ ms|\d+\.\d (s|min|h|d|y))$/.test(l ?? '')), lags.join(', '));

    // Queryable state from the page: the operators with keyed state are offered.
    assert.equal(await page.isVisible('#state-box'), true);
    assert.deepEqual(await page.$$eval('#state-operator option', (o) => o.map((x) => x.getAttribute('value'))), ['counter']);
    await page.selectOption('#state-operator', 'counter');
    await page.fill('#state-key', 'u2');
    await page.click('#state-form button');
    await page.waitForFunction(() => /^count: \d+/.test(document.getElementById('state-result')!.textContent!), undefined, { timeout: 30_000 });

    // Checkpoint history: completed checkpoints with their duration and size.
    await page.waitForFunction(() => document.querySelectorAll('#checkpoints tbody tr').length >= 2, undefined, { timeout: 30_000 });
    assert.match((await page.textContent('#checkpoints tbody tr'))!, /^\d+completed\d+ ms\d+ ms[\d.]+ (B|KiB)$/);

    // Charts have points, then the screenshots for the README.
    await page.waitForFunction(() => Number(document.body.dataset.updated) > 0);
    await new Promise((r) => setTimeout(r, 3_000));
    mkdirSync(IMG, { recursive: true });
    await page.screenshot({ path: join(IMG, 'dashboard.png'), fullPage: true });
    await page.locator('#graph-wrap').screenshot({ path: join(IMG, 'operator-graph.png') });
    assert.ok(statSync(join(IMG, 'dashboard.png')).size > 10_000);
    assert.equal(await page.textContent('#no-exceptions'), 'No failures.');

    // Stop with a savepoint from the page: the job ends there, and the page keeps its final state.
    page.once('dialog', (d) => void d.accept());
    await page.click('#stop');
    await page.waitForFunction(() => ['stopped', 'cancelled'].includes(document.body.dataset.status ?? ''), undefined, { timeout: 30_000 });
    const result = await job.result;
    assert.match(await page.textContent('#ended') ?? '', /^The job (was stopped with a savepoint|was cancelled) at .* This page shows its final state/);
    assert.match(await page.textContent('#action-result') ?? '', /savepoint at .*savepoints/);
    assert.equal(await page.isDisabled('#cancel'), true);
    assert.equal(result.metrics.lifecycle?.status, result.status);
    assert.deepEqual(problems, [], `no script errors or blocked resources: ${problems.join('; ')}`);
    assert.deepEqual(outside, [], 'every asset comes from the job itself (works offline)');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    job.cancel();
    await job.result;
  }
});
