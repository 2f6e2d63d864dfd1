// Time is injected: only src/time/ reads the wall clock or sets timers (STYLE.md, rule 5), so that
// the test driver and production run the same loop and a manual clock controls everything. This
// test reads every source file outside src/time/ and fails on a clock read or a timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Files outside src/time/ allowed a clock or a timer, each with why. Empty is the goal. */
const EXCEPTIONS: Record<string, string> = {};

const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bsetTimeout\s*\(/, 'setTimeout'],
  [/\bsetInterval\s*\(/, 'setInterval'],
  [/\bclearTimeout\s*\(|\bclearInterval\s*\(/, 'clearTimeout/clearInterval'],
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() (the current time)'],
  [/(?<![.\w]|new\s+)Date\s*\(\s*\)/, 'Date() (the current time as text)'],
  [/from\s+['"](node:)?perf_hooks['"]/, 'perf_hooks'],
];

/** Code without comments (a `//` after `:` is a URL, not a comment). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** What a file does that only src/time/ may do. */
export function clockUses(text: string): string[] {
  const c = code(text);
  const found = FORBIDDEN.filter(([re]) => re.test(c)).map(([, what]) => what);
  // node:timers(/promises): yielding to the event loop (setImmediate) involves no time; anything else is a timer.
  for (const m of c.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"](node:)?timers(\/promises)?['"]/g)) {
    const names = m[1].split(',').map((s) => s.trim().split(/\s+as\s+/)[0]).filter((s) => s !== '');
    if (names.some((n) => n !== 'setImmediate')) found.push(`node:timers (${names.join(', ')})`);
  }
  if (/import\s+\*\s+as\s+\w+\s+from\s+['"](node:)?timers/.test(c)) found.push('node:timers (namespace import)');
  return found;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('only src/time/ reads the clock or sets timers', () => {
  const offenders = files(SRC)
    .map((f) => relative(SRC, f))
    .filter((f) => !f.startsWith('time/') && EXCEPTIONS[f] === undefined)
    .flatMap((f) => clockUses(readFileSync(join(SRC, f), 'utf8')).map((what) => `src/${f}: ${what}`));
  assert.deepEqual(offenders, [], `clocks and timers outside src/time/ (inject a Clock, or add what is needed to src/time/):\n${offenders.join('\n')}`);
});

test('every listed exception is still needed', () => {
  const stale = Object.keys(EXCEPTIONS).filter((f) => clockUses(readFileSync(join(SRC, f), 'utf8')).length === 0);
  assert.deepEqual(stale, []);
});

test('the check sees what it is meant to see, and not comments, URLs or yields', () => {
  assert.deepEqual(clockUses('const t = Date.now();'), ['Date.now()']);
  assert.deepEqual(clockUses('const d = new Date();'), ['new Date() (the current time)']);
  assert.deepEqual(clockUses("import { setTimeout as sleep } from 'node:timers/promises';"), ['node:timers (setTimeout)']);
  assert.deepEqual(clockUses('const h = setInterval(f, 10); clearInterval(h);'), ['setInterval', 'clearTimeout/clearInterval']);
  assert.deepEqual(clockUses('// setTimeout(() => job.cancel(), 60_000);\n/** Date.now() */ const u = `http://${host}`; const d = new Date(ts);'), []);
  assert.deepEqual(clockUses("import { setImmediate as yieldToEventLoop } from 'node:timers/promises';"), []);
});
