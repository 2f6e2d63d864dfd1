import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cutSources, seekSources } from '../runtime/graph-cut.ts';
import type { RunningGraph } from '../runtime/running-graph.ts';
import { decodeTime, encodeTime } from './manifest.ts';
import { stateId } from './operator-id.ts';

const FILE = 'at-most-once-positions.json';

interface LoggedSource {
  readonly id: string;
  readonly position: unknown;
  readonly splitWatermarks: readonly (number | null)[];
}

/**
 * For at-most-once jobs: the sources' read positions, written before each batch is handed on, so
 * that a restart (in this process or a new one) resumes after every record that may have had an
 * effect instead of replaying from the checkpoint. Each write overwrites the file in place with
 * one positional write(), padded with spaces to the longest record so far (no fsync, no rename:
 * about 10 µs a batch, where write-and-rename measured about 1 ms here). A single write() is not
 * torn by a process crash; a machine crash may lose the last writes (their batches are then read
 * again) or tear one (the restart then fails with a clear error).
 *
 * @example
 * const log = new SourcePositionLog(runtime, checkpointDir);
 * log.write(); // before task.deliver()
 */
export class SourcePositionLog {
  private readonly file: string;
  /** Each source's checkpoint id, by its plan node id. */
  private readonly ids: Map<number, string>;
  private fd: number | null = null;
  /** Bytes every record is padded to: never shorter than what the file held, so nothing old is left at its end. */
  private width = 0;

  constructor(private readonly rt: RunningGraph, dir: string) {
    this.file = join(dir, FILE);
    this.ids = new Map(rt.plan.nodes.filter((n) => n.kind === 'source').map((n) => [n.id, stateId(n)]));
  }

  /** Records every source's current position (what it has read, including the batch about to be delivered). */
  write(): void {
    const sources: LoggedSource[] = cutSources(this.rt).map((s) => ({
      id: this.ids.get(s.node)!, position: s.position, splitWatermarks: s.splitWatermarks.map(encodeTime),
    }));
    const text = JSON.stringify({ job: this.rt.jobName, sources });
    if (this.fd === null) {
      // Opened at the first write, after `apply` read what a previous run left.
      try {
        this.fd = openSync(this.file, 'r+');
      } catch {
        this.fd = openSync(this.file, 'w');
      }
      this.width = fstatSync(this.fd).size;
    }
    this.width = Math.max(this.width, text.length);
    writeSync(this.fd, text.padEnd(this.width), 0);
  }

  /** Closes the file (the end of a run). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /**
   * Moves the runtime's sources to the logged positions (after a checkpoint restore, which set
   * older ones). Returns false when there is no log. A source the log does not know keeps its
   * position; a log that cannot be parsed is an error (it is replaced atomically, so that is not a
   * crash mid-write).
   */
  apply(): boolean {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return false;
    }
    let logged: { sources: LoggedSource[] };
    try {
      logged = JSON.parse(text) as { sources: LoggedSource[] };
    } catch (e) {
      throw new Error(`${this.file} is not valid JSON (${(e as Error).message}); delete it to resume from the latest checkpoint instead`, { cause: e });
    }
    seekSources(this.rt, [...this.ids].flatMap(([node, id]) => {
      const entry = logged.sources.find((s) => s.id === id);
      return entry === undefined ? [] : [{ node, position: entry.position, splitWatermarks: entry.splitWatermarks.map(decodeTime) }];
    }));
    return true;
  }
}
