/**
 * One hand-written Nexmark loop in a process of its own; prints one JSON line (a RunResult).
 *
 *   node --conditions=eddy-source --import tsx bench/nexmark/hand-run.ts --query q5 --events 2000000
 */
import { parseArgs } from 'node:util';
import { startStopwatch } from '../stopwatch.ts';
import { runHandLoop } from './hand-loops.ts';
import type { RunResult } from './run-result.ts';

const { values } = parseArgs({ options: { query: { type: 'string', default: 'q0' }, events: { type: 'string', default: '1000000' } } });
const events = Number(values.events);
const stop = startStopwatch();
const results = runHandLoop(values.query, events);
const { wallNs, cpuNs } = stop();
const result: RunResult = { system: 'hand', query: values.query, events, results, cpuNs, wallNs, checkpoints: 0, maxRssKb: process.resourceUsage().maxRSS };
console.log(JSON.stringify(result));
