import type { Key } from '../../functions/key.ts';
import type { KeyedStateBackend } from '../../state/state-table.ts';
import { KeyedTimers } from '../../time/keyed-timers.ts';
import { JoinContextBase } from './join-context-base.ts';

/**
 * A join whose records live in its keyed state backend and whose clean-up runs on per-key timers
 * (the aligned window join, the regular join): the timers are its only operator state, and
 * closing it closes the backend.
 *
 * @example
 * class MyJoin extends KeyedTimerJoin { constructor(readonly backend: KeyedStateBackend) { super(); } ... }
 */
export abstract class KeyedTimerJoin extends JoinContextBase {
  protected readonly timers = new KeyedTimers();
  abstract readonly backend: KeyedStateBackend;

  snapshot(): unknown {
    return { timers: this.timers.snapshot() };
  }

  restore(state: unknown): void {
    this.timers.restore((state as { timers: [Key, number][] }).timers);
  }

  close(): void {
    this.backend.close();
  }
}
