import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputTag, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources } from 'eddy';
import { launchChromium } from './browser.ts';
import { countingSink } from './web-job.ts';

// The callbacks given to waitForFunction run in the page; the project's TypeScript has no DOM types.
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  body: { dataset: Record<string, string | undefined> };
};

interface Ev { readonly user: string; readonly ts: number }
const YEAR = 365 * 24 * 3_600_000;

test('a replay that fails once and restarts: lags in years, late records sent to a side output, the exception history, the final state after the end', { timeout: 180_000 }, async () => {
  const profile = mkdtempSync(join(tmpdir(), 'eddy-chromium-'));
  const context = await launchChromium(profile);
  try {
    // Two years old data replayed at 2,000 records a second; one record in 50 is a minute older (late).
    const base = Date.now() - 2 * YEAR;
    const late = new OutputTag<Ev>('late-events');
    let failed = false;
    const env = StreamEnvironment.create({
      log: () => {}, web: { port: 0, sampleEveryMs: 200 },
      checkpoints: { dir: join(profile, 'checkpoints'), intervalMs: 300 }, restore: { from: 'fresh' },
      restartStrategy: { kind: 'fixed-delay', delayMs: 200, maxAttempts: 2 },
    });
    const events = env.fromSource(sources.generator<Ev>({
      count: 30_000, ratePerSecond: 2_000, // 15 s: time for the page to see it run, however loaded the machine
      generate: (i) => ({ user: `u${i % 3}`, ts: base + i * 10 - (i % 50 === 49 ? 60_000 : 0) }),
    }), WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'replay');
    const counted = events.map((e) => {
      if (!failed && e.ts >= base + 30_000) {
        failed = true;
        throw new Error('the enrichment service said no');
      }
      return e;
    }).name('enrich')
      .keyBy((e) => e.user).window(TumblingEventTimeWindows.of(1_000)).sideOutputLateData(late).count().name('per second');
    counted.sinkTo(countingSink());
    counted.getSideOutput(late).sinkTo(sinks.collect());
    const job = env.executeAsync('replay');
    const { url } = await job.web!;
    const page = context.pages()[0] ?? await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => void problems.push(e.message));
    await page.goto(url);

    // While it runs: event time trails by two years, shown in years.
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#watermarks tbody td:nth-child(4)')).some((td) => td.textContent === '2.0 y'), undefined, { timeout: 60_000 });
    // The samples show late records sent to the side output, not only dropped ones.
    await page.waitForFunction(() => /sent to side output 'late-events'/.test(document.getElementById('samples')!.textContent!), undefined, { timeout: 60_000 });
    assert.match((await page.textContent('#samples tbody'))!, /per second.*late.*"user":"u\d".*sent to side output 'late-events'/s);

    // The job ends; the page shows its final state and stops asking.
    const result = await job.result;
    assert.equal(result.status, 'finished');
    assert.equal(result.restarts, 1);
    await page.waitForFunction(() => document.body.dataset.status === 'finished', undefined, { timeout: 30_000 });
    assert.match((await page.textContent('#ended'))!, /^The job finished at \d{4}-.* after \d+\.\d s\. This page shows its final state/);
    assert.ok(Number.parseFloat((await page.textContent('#records-in'))!) > 0, 'records read by the last attempt');
    assert.equal(await page.textContent('#restart-count'), '1');
    assert.equal(await page.textContent('#watermark'), 'end of input');
    // The exception and the restart that followed it.
    assert.equal(await page.isVisible('#no-exceptions'), false);
    const rows = await page.$$eval('#exceptions tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.equal(rows.length, 1, rows.join(' | '));
    assert.match(rows[0]!, /^\d{4}-.*1enrich.*the enrichment service said no.*restarted after 200 ms$/s);
    // No operator has keyed state here (windows keep their contents on the heap): no state box.
    assert.equal(await page.isVisible('#state-box'), false);
    assert.equal(await page.isDisabled('#cancel'), true);

    // The process lives on, so the server still answers (a reload shows the same final state).
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.status === 'finished', undefined, { timeout: 30_000 });
    assert.equal(await page.textContent('#restart-count'), '1');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('the cancel button stops an unbounded job; without checkpoints there is no stop-with-savepoint', { timeout: 120_000 }, async () => {
  const profile = mkdtempSync(join(tmpdir(), 'eddy-chromium-'));
  const context = await launchChromium(profile, { width: 1200, height: 900 });
  const env = StreamEnvironment.create({ log: () => {}, web: { port: 0 } });
  env.fromSource(sources.generator({ ratePerSecond: 500, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'ticks').sinkTo(countingSink());
  const job = env.executeAsync('endless');
  try {
    const { url } = await job.web!;
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.status === 'running', undefined, { timeout: 30_000 });
    assert.equal(await page.isVisible('#stop'), false);
    assert.equal(await page.isVisible('#state-box'), false);
    page.once('dialog', (d) => void d.dismiss());
    await page.click('#cancel');
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(job.metrics().lifecycle?.status, 'running', 'a dismissed confirmation cancels nothing');
    page.once('dialog', (d) => void d.accept());
    await page.click('#cancel');
    assert.equal((await job.result).status, 'cancelled');
    await page.waitForFunction(() => document.body.dataset.status === 'cancelled', undefined, { timeout: 30_000 });
    assert.match((await page.textContent('#ended'))!, /^The job was cancelled at /);
  } finally {
    job.cancel();
    await job.result;
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
