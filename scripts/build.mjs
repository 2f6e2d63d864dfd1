#!/usr/bin/env node
// Builds the package's dist/: ES modules and .d.ts declarations from src/, plus the dashboard's
// static files. Runs before every `npm pack` and `npm publish` (the prepack script), so a package
// can never ship without it or with a stale one; dist/ starts empty so a removed source leaves no
// orphan behind.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
cpSync(new URL('src/ui/assets', root), new URL('ui/assets', dist), { recursive: true });

// tsc rewrites `./x.ts` to `./x.js` in the JavaScript but keeps `.ts` in declarations. TypeScript
// 5 resolves either, but `.js` is what every declaration-reading tool expects.
const relativeTs = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g;
for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const path = new URL(file, dist);
  const text = readFileSync(path, 'utf8');
  const rewritten = text.replace(relativeTs, '$1$2$3.js$2');
  if (rewritten !== text) writeFileSync(path, rewritten);
}
