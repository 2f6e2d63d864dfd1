import { type KafkaProperties, loadKafka } from '../connectors/kafka/kafka-client.ts';

/** The part of librdkafka's consumer that group membership uses. */
interface RdGroupConsumer {
  connect(opts: unknown, cb: (err: Error | null) => void): void;
  disconnect(cb: (err: Error | null) => void): void;
  subscribe(topics: string[]): void;
  consume(n: number, cb: (err: Error | null, messages: unknown[]) => void): void;
  setDefaultConsumeTimeout(ms: number): void;
  incrementalAssign(list: { topic: string; partition: number }[]): void;
  incrementalUnassign(list: { topic: string; partition: number }[]): void;
  pause(list: { topic: string; partition: number }[]): void;
  assignmentLost(): boolean;
  getMetadata(opts: { topic?: string; timeout: number }, cb: (err: Error | null, md: { topics: { name: string; partitions: { id: number }[] }[] }) => void): void;
}

const ASSIGN = -175;
const REVOKE = -174;

/** What membership tells its owner: partitions gained, and partitions to give up (lost: without a final checkpoint). */
export interface MembershipListener {
  assigned(partitions: readonly number[]): void;
  /** Resolves once the tasks have stopped; only then does the group move the partitions. */
  revoked(partitions: readonly number[], lost: boolean): Promise<void>;
}

/**
 * This instance's seat in the consumer group. It subscribes to the driving topic with the
 * cooperative-sticky assignor, so a join or leave moves only the partitions that change owner,
 * and takes no records: assigned partitions are paused at once (the tasks read them with their
 * own pinned consumers). librdkafka serves group events only inside consume calls, so a loop
 * keeps polling. The rebalance callback is asynchronous: a revocation is acknowledged to the
 * group (incrementalUnassign) only after the listener has stopped the tasks, so the next owner
 * never starts before this one's final checkpoint is written and committed.
 *
 * @example
 * const m = await GroupMembership.join(brokers, 'fraud', 'payments', listener, log);
 * ...; await m.leave();
 */
export class GroupMembership {
  private running = true;
  private handling: Promise<void> = Promise.resolve();
  private loop: Promise<void> = Promise.resolve();
  private readonly owned = new Set<number>();

  private constructor(private readonly c: RdGroupConsumer, private readonly topic: string, private readonly listener: MembershipListener, private readonly log: (line: string) => void) {}

  /** Partitions this instance owns now. */
  get partitions(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  static async join(brokers: string, groupId: string, topic: string, listener: MembershipListener, log: (line: string) => void, properties: KafkaProperties = {}): Promise<GroupMembership> {
    const rd = loadKafka() as unknown as { KafkaConsumer: new (conf: Record<string, unknown>, topicConf: KafkaProperties) => RdGroupConsumer };
    let self: GroupMembership | null = null;
    const c = new rd.KafkaConsumer({
      'bootstrap.servers': brokers, 'group.id': groupId, 'enable.auto.commit': false, 'partition.assignment.strategy': 'cooperative-sticky',
      'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500, ...properties,
      // librdkafka waits for the assign/unassign call this makes, however long the listener takes.
      'rebalance_cb': (err: { code: number } | undefined, assignment: { topic: string; partition: number }[]) => self!.onRebalance(err?.code ?? 0, assignment),
    }, {});
    await new Promise<void>((res, rej) => c.connect({ timeout: 10_000 }, (err) => (err ? rej(new Error(`scale-out: cannot connect to Kafka at ${brokers}: ${err.message}`)) : res())));
    c.setDefaultConsumeTimeout(100);
    self = new GroupMembership(c, topic, listener, log);
    c.subscribe([topic]);
    self.loop = self.poll();
    return self;
  }

  /** Partition count of a topic (0 if it does not exist). */
  async partitionCount(topic: string): Promise<number> {
    const md = await new Promise<{ topics: { name: string; partitions: { id: number }[] }[] }>((res, rej) =>
      this.c.getMetadata({ topic, timeout: 10_000 }, (err, m) => (err ? rej(new Error(`Kafka metadata of ${topic}: ${err.message}`)) : res(m))));
    return md.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  }

  private onRebalance(code: number, assignment: { topic: string; partition: number }[]): void {
    const c = this.c;
    const parts = assignment.filter((a) => a.topic === this.topic).map((a) => a.partition).sort((a, b) => a - b);
    if (code === ASSIGN) {
      // An assignment that arrives while this instance leaves (a paused instance resumed into a
      // rebalance, say) finds the consumer disconnected: librdkafka throws from its callback,
      // which would take the process down. The group gives those partitions to someone else.
      if (!this.running) return;
      try {
        c.incrementalAssign(assignment);
        if (assignment.length > 0) c.pause(assignment);
      } catch (e) {
        this.log(`scale-out: cannot take partitions ${parts.join(',')} (${(e as Error).message}); the group reassigns them`);
        return;
      }
      for (const p of parts) this.owned.add(p);
      if (parts.length > 0) this.listener.assigned(parts);
    } else if (code === REVOKE) {
      const lost = c.assignmentLost();
      for (const p of parts) this.owned.delete(p);
      this.handling = this.handling
        .then(() => (parts.length > 0 ? this.listener.revoked(parts, lost) : undefined))
        .catch((e: unknown) => this.log(`scale-out: stopping tasks of partitions ${parts.join(',')} failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => {
          try {
            c.incrementalUnassign(assignment);
          } catch (e) {
            this.log(`scale-out: unassign failed: ${(e as Error).message}`);
          }
        });
    } else {
      this.log(`scale-out: rebalance error ${code}`);
    }
  }

  private async poll(): Promise<void> {
    while (this.running) {
      await this.handling;
      if (!this.running) break;
      await new Promise<void>((res) => this.c.consume(100, (err) => {
        if (err) this.log(`scale-out: group consumer: ${err.message}`);
        res();
      }));
    }
  }

  /**
   * Leaves the group: the listener first stops every task (`revoked`), then the consumer closes
   * (its own revocation then finds nothing left to stop).
   */
  async leave(): Promise<void> {
    const owned = this.partitions;
    this.owned.clear();
    if (owned.length > 0) await this.listener.revoked(owned, false);
    this.running = false;
    await this.loop;
    await this.handling;
    // Closing revokes what the group still lists here: onRebalance acknowledges it (nothing to stop).
    await new Promise<void>((res) => this.c.disconnect(() => res()));
  }
}
