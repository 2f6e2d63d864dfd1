#!/usr/bin/env node
// npm records optional per-platform packages (native builds for darwin, win32, ...) in the lock
// only when it can fetch their metadata, and `npm ci` rejects a lock that lacks any of them. The
// registry reachable on this project's machines does not serve every platform's build, so after
// `npm install` this adds the missing ones, marked optional with the platform their name gives:
// they never install on linux-x64, and the lock stays valid everywhere. Run: node scripts/lock-platform-packages.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pk = lock.packages;
const platform = (name) => {
  const os = ['darwin', 'linux', 'win32', 'freebsd', 'android'].find((o) => name.includes(o));
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64'].find((c) => new RegExp(`[-_]${c}(?![a-z0-9])`).test(name));
  return os && cpu ? { os, cpu, libc: name.includes('musl') ? 'musl' : os === 'linux' ? 'glibc' : null } : null;
};
let added = 0;
for (const [path, meta] of Object.entries(pk)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = path === '' ? 'node_modules/' : `${path}/node_modules/`;
    if (pk[`${base}${dep}`] || pk[`node_modules/${dep}`]) continue;
    const p = platform(dep);
    if (p === null) continue;
    pk[`node_modules/${dep}`] = {
      version: version.replace(/^[\^~]/, ''), cpu: [p.cpu], ...(p.libc && p.os === 'linux' ? { libc: [p.libc] } : {}), optional: true, os: [p.os],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`recorded ${added} optional platform package(s) the registry here does not serve`);
