// Headless Debian Chromium for the dashboard tests, driven by playwright-core.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** A browser with its profile in `profile` (the caller removes it); fails clearly without Chromium. */
export function launchChromium(profile: string, viewport = { width: 1400, height: 1100 }): Promise<BrowserContext> {
  try {
    statSync(CHROMIUM);
  } catch {
    assert.fail(`this test needs Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);
  }
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport, offline: false });
}
