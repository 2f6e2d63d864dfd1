import { stagesOf, type StageProps } from './pattern-props.ts';

function allStages(last: StageProps): StageProps[] {
  const out: StageProps[] = [];
  for (const s of stagesOf(last)) {
    out.push(s);
    if (s.group !== null) out.push(...allStages(s.group));
  }
  return out;
}

function label(s: StageProps): string {
  return s.group !== null ? 'a group' : `stage '${s.name}'`;
}

/**
 * What explain points out about a pattern that compiles but will not behave well: state that
 * cannot be bounded without `within`, and stages that can never take an event.
 *
 * @example
 * patternWarnings(patternProps(Pattern.begin<number>('a').oneOrMore()), 0);
 * // ["stage 'a' loops (oneOrMore) and the pattern has no within(ms): ..."]
 */
export function patternWarnings(last: StageProps, windowMs: number): string[] {
  const warnings: string[] = [];
  const stages = allStages(last);
  if (windowMs === 0) {
    const growing = stages.filter((s) => s.quantifier === 'looping' || s.consuming === 'any' || s.inner === 'any');
    for (const s of growing) {
      const why = s.quantifier === 'looping' ? `loops (${s.from === 1 ? 'oneOrMore' : `timesOrMore(${s.from})`})` : s.consuming === 'any' ? 'is followedByAny' : 'allows combinations';
      warnings.push(
        `${label(s)} ${why} and the pattern has no within(ms): on an unbounded stream its partial matches can grow without bound; ` +
          'add .within(ms) to the pattern so that they expire as the watermark passes',
      );
    }
    if (growing.length === 0 && stages.some((s) => s.consuming === 'relaxed' || s.consuming === 'not-followed-by' || s.inner === 'relaxed' && s.quantifier !== 'single')) {
      warnings.push(
        'the pattern has no within(ms): a partial match waits for its next stage for ever, so a key that goes quiet keeps its state; ' +
          'add .within(ms) so that partial matches expire as the watermark passes',
      );
    }
  }
  for (const s of stages) {
    const p = s.previous;
    if (p !== null && p.consuming === 'not-next' && s.consuming === 'strict' && !s.optional && p.condition !== null && p.condition === s.condition) {
      warnings.push(
        `${label(s)} can never match: it must be the event right after the previous stage, which notNext('${p.name}') forbids with the same condition; ` +
          'give the two stages different conditions, or use followedBy',
      );
    }
  }
  return warnings;
}
