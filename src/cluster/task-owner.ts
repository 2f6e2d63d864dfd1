import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sink, SinkContext } from '../connectors/sink.ts';
import type { PlanNode } from '../plan/node.ts';
import type { Plan } from '../plan/plan.ts';

/**
 * Who owns a partition task's checkpoint directory: the instance the group assigned it to most
 * recently writes a fresh token to `<taskDir>/OWNER`. A zombie (an instance that was paused past
 * its session timeout and still runs the task) finds another token there and stops before it
 * writes a checkpoint or restarts the task, so it can neither put a manifest next to the new
 * owner's nor take the transactional id back from it (Kafka Streams locks the state directory
 * for the same reason).
 *
 * @example
 * const owner = new TaskOwner(dir); owner.claim(); ...; owner.check(); // throws once someone else claimed it
 */
export class TaskOwner {
  private readonly token = `${process.pid}-${randomUUID()}`;
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'OWNER');
  }

  /** Takes the task over (on assignment). */
  claim(): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${this.token}.tmp`;
    writeFileSync(tmp, this.token);
    renameSync(tmp, this.file);
  }

  get owned(): boolean {
    try {
      return readFileSync(this.file, 'utf8') === this.token;
    } catch {
      return false;
    }
  }

  /** Throws if another instance has claimed the task since. */
  check(): void {
    if (!this.owned) throw new Error(`partition task ${this.dir} now belongs to another instance (its OWNER file changed): this one stops without a checkpoint`);
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
        w.preCommit = (id) => {
          owner.check();
          return preCommit(id);
        };
      }
      return w;
    },
  });
}
