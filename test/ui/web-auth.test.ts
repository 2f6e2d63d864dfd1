import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { StreamEnvironment } from 'eddy';
import { isLoopback, resolveWebOptions } from '../../src/ui/web-options.ts';
import { webJob } from './web-job.ts';

const TOKEN = 'test-token-0123456789abcdef';

/** This machine's first non-loopback IPv4 address, if it has one. */
function externalAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

test('binding beyond loopback without a token is refused before anything starts', () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
    assert.throws(() => StreamEnvironment.create({ web: { host } }), /reachable from other machines.*need a token/, host);
  }
  assert.throws(() => resolveWebOptions({ host: '0.0.0.0', token: 'short' }), /at least 16 characters/);
  assert.throws(() => resolveWebOptions({ port: 70_000 }), /port must be/);
  assert.equal(resolveWebOptions({}).host, '127.0.0.1');
  for (const h of ['127.0.0.1', '127.8.0.1', 'localhost', '::1', '[::1]']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', 'localhost.evil.com']) assert.ok(!isLoopback(h), h);
});

test('bound beyond loopback with a token: requests without it get 401, with it 200, also after the job has ended', { timeout: 60_000 }, async () => {
  const external = externalAddress();
  const job = webJob({ web: { host: '0.0.0.0', port: 0, token: TOKEN } }, 500).executeAsync('auth');
  let base = '';
  try {
    const { port, host } = await job.web!;
    assert.equal(host, '0.0.0.0');
    // Reach it the way another machine would, through a non-loopback address when there is one.
    base = `http://${external ?? '127.0.0.1'}:${port}/`;
    for (const path of ['', 'api/job', 'metrics', 'assets/dashboard.js', 'api/state/counter/u1']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 401, `/${path} without the token`);
      assert.match(((await res.json()) as { error: string }).error, /token is required/);
    }
    assert.equal((await fetch(`${base}api/job`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
    assert.equal((await fetch(`${base}api/job`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);
    assert.equal((await fetch(`${base}metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);
    // The dashboard page opened with ?token= sets a cookie that its scripts and fetches then carry.
    const page = await fetch(`${base}?token=${TOKEN}`);
    assert.equal(page.status, 200);
    const cookie = page.headers.get('set-cookie')!;
    assert.match(cookie, /HttpOnly; SameSite=Strict/);
    assert.equal((await fetch(`${base}api/job`, { headers: { Cookie: cookie.split(';')[0] } })).status, 200);
    const stop = await fetch(`${base}api/stop`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(stop.status, 401, 'nobody stops the job without the token');
  } finally {
    job.cancel();
    await job.result;
  }
  // After the end it serves the job's final state, still only with the token.
  assert.equal((await fetch(`${base}api/job`)).status, 401);
  const final = await fetch(`${base}api/job`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(((await final.json()) as { status: string }).status, 'cancelled');
});
