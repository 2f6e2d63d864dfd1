import { randomUUID } from 'node:crypto';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { DirectoryStore } from '../checkpoint/directory-store.ts';
import type { Sink, SinkContext } from '../connectors/sink.ts';
import type { PlanNode } from '../plan/node.ts';
import type { Plan } from '../plan/plan.ts';

/**
 * Who owns a partition task's checkpoints: the instance the group assigned it to most recently
 * writes a fresh token to `OWNER` in the task's store (a directory, or a prefix of an object
 * store, whose reads see the latest write). A zombie (an instance that was paused past its
 * session timeout and still runs the task) finds another token there and stops before it writes
 * a checkpoint or restarts the task, so it can neither put a manifest next to the new owner's nor
 * take the transactional id back from it (Kafka Streams locks the state directory for the same reason).
 *
 * @example
 * const owner = new TaskOwner(dir); await owner.claim(); ...; await owner.check(); // throws once someone else claimed it
 */
export class TaskOwner {
  private readonly token = `${process.pid}-${randomUUID()}`;
  private readonly store: CheckpointStore;

  /** `store`: the task's checkpoint store, or its directory. */
  constructor(store: CheckpointStore | string) {
    this.store = typeof store === 'string' ? new DirectoryStore(store) : store;
  }

  /** Takes the task over (on assignment). */
  async claim(): Promise<void> {
    await this.store.write('OWNER', this.token, true);
  }

  async owned(): Promise<boolean> {
    const found = await this.store.read('OWNER').catch(() => null);
    return found !== null && found.toString('utf8') === this.token;
  }

  /** Throws if another instance has claimed the task since. */
  async check(): Promise<void> {
    if (!(await this.owned())) throw new Error(`partition task ${this.store.location} now belongs to another instance (its OWNER file changed): this one stops without a checkpoint`);
  }
}

/**
 * The plan with every transactional sink checking ownership before it pre-commits, i.e. before a
 * checkpoint can be written: a zombie's checkpoint fails instead.
 *
 * @example
 * new RunningGraph(guardSinks(taskPlan(plan, 3, 'job'), owner), 'job', options);
 */
export function guardSinks(plan: Plan, owner: TaskOwner): Plan {
  const nodes = plan.nodes.map((n): PlanNode => (n.kind === 'sink' ? Object.freeze({ ...n, sink: guarded(n.sink, owner) }) : n));
  return Object.freeze({ nodes: Object.freeze(nodes) });
}

function guarded(sink: Sink<unknown>, owner: TaskOwner): Sink<unknown> {
  return Object.freeze({
    ...sink,
    createWriter(ctx: SinkContext) {
      const w = sink.createWriter(ctx);
      const preCommit = w.preCommit?.bind(w);
      if (preCommit !== undefined) {
        w.preCommit = async (id) => {
          await owner.check();
          return preCommit(id);
        };
      }
      return w;
    },
  });
}
