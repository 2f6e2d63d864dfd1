import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AfterMatchSkipStrategy, Pattern } from '../../src/index.ts';
import { events, runPattern, type Ev } from './cep-harness.ts';

const is = (k: string) => (e: Ev) => e.kind === k;
const sorted = (xs: string[]) => [...xs].sort();

// Flink's docs, "Contiguity within looping patterns": a followedByAny b+ followedBy c, input a b1 d1 b2 d2 b3 c.
const input = events('a b1 d1 b2 d2 b3 c');

test('looping stage, strict contiguity inside (consecutive): a d between two b ends the run of b', () => {
  // The docs' table says {a b3 c}; Flink 1.20 itself gives one match per run of consecutive b (the
  // stage after the loop skips the d), and so does Eddy (checked against Flink in flink-cep-parity).
  const p = Pattern.of<Ev>().begin('a').where(is('a')).followedByAny('b').where(is('b')).oneOrMore().consecutive().followedBy('c').where(is('c'));
  assert.deepEqual(sorted(runPattern(p, input).matches), ['a:a|b:b1|c:c', 'a:a|b:b2|c:c', 'a:a|b:b3|c:c']);
});

test('looping stage, relaxed contiguity inside (default)', () => {
  const p = Pattern.of<Ev>().begin('a').where(is('a')).followedByAny('b').where(is('b')).oneOrMore().followedBy('c').where(is('c'));
  assert.deepEqual(sorted(runPattern(p, input).matches), sorted([
    'a:a|b:b1|c:c', 'a:a|b:b1,b2|c:c', 'a:a|b:b1,b2,b3|c:c', 'a:a|b:b2|c:c', 'a:a|b:b2,b3|c:c', 'a:a|b:b3|c:c',
  ]));
});

test('looping stage, non-deterministic relaxed contiguity inside (allowCombinations)', () => {
  const p = Pattern.of<Ev>().begin('a').where(is('a')).followedByAny('b').where(is('b')).oneOrMore().allowCombinations().followedBy('c').where(is('c'));
  assert.deepEqual(sorted(runPattern(p, input).matches), sorted([
    'a:a|b:b1|c:c', 'a:a|b:b1,b2|c:c', 'a:a|b:b1,b3|c:c', 'a:a|b:b1,b2,b3|c:c', 'a:a|b:b2|c:c', 'a:a|b:b2,b3|c:c', 'a:a|b:b3|c:c',
  ]));
});

test('the card scorer of the issue: three or more declines, then an approval over 500, within 10', () => {
  const card = Pattern.begin<Ev>('declines').where((a) => a.kind === 'd').timesOrMore(3)
    .followedBy('approved').where((a) => a.kind === 'ok' && a.value > 500).within(10);
  const all = runPattern(card, events('d1 d2 x d3 d4 ok600 d5'), { timeouts: true });
  assert.deepEqual(sorted(all.matches), sorted(['declines:d1,d2,d3,d4|approved:ok600', 'declines:d1,d2,d3|approved:ok600', 'declines:d2,d3,d4|approved:ok600']));
  assert.deepEqual(all.timestamps, [6, 6, 6]);
  assert.equal(all.timedOut.length, 5, 'the partial matches still open at the end of input time out');
  const skip = runPattern(card, events('d1 d2 x d3 d4 ok600 d5'), { skip: AfterMatchSkipStrategy.skipPastLastEvent(), timeouts: true });
  assert.deepEqual(skip.matches, ['declines:d1,d2,d3,d4|approved:ok600']);
  assert.deepEqual(skip.timedOut, ['declines:d5']);
});

test('absence at the end of a pattern: an order with no payment within the window', () => {
  const p = Pattern.of<Ev>().begin('order').where(is('o')).notFollowedBy('pay').where(is('p')).within(5);
  const r = runPattern(p, events('o1 x p1 o2 x x x x x x x o3 p3'));
  assert.deepEqual(r.matches, ['order:o2']);
  assert.deepEqual(r.timestamps, [4 + 5], 'stamped when the absence became certain: the order time plus within');
});
