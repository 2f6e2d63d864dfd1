import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, freePorts, ROOT, runScript, sleep, waitFor, watchdog } from './server-process.ts';

/** Ports a test may give its own broker: client port, then controller port (+1). */
const PORTS = [29092, 29099] as const;
const UP_TIMEOUT_MS = 180_000;

/**
 * A Kafka broker of the test's own (never the shared one), started with `scripts/kafka/up.sh` on
 * a free pair of ports in 29092-29099 with its home (data, logs, pid) in a temporary directory,
 * which a test may kill and start again. A watchdog stops it if the test process dies first.
 *
 * @example
 * const kafka = await KafkaServer.start();
 * await kafka.kill(); await kafka.restart(); await kafka.stop();
 */
export class KafkaServer {
  private stopWatchdog: () => void;

  private constructor(readonly brokers: string, readonly port: number, readonly home: string) {
    this.stopWatchdog = watchdog(`kill -9 "$(cat '${home}/kafka.pid' 2>/dev/null)" 2>/dev/null; rm -rf '${home}'`);
  }

  static async start(): Promise<KafkaServer> {
    const [port, controller] = await freePorts(PORTS[0], PORTS[1], 2);
    const home = mkdtempSync(join(tmpdir(), `eddy-faults-kafka-${port}-`));
    // The jars of the shared broker's home, when present: no Maven download per test run.
    const libs = join(ROOT, '.eddy', 'kafka', 'libs');
    if (existsSync(join(libs, '.kafka-4.3.1'))) symlinkSync(libs, join(home, 'libs'));
    mkdirSync(join(home, 'logs'), { recursive: true });
    const server = new KafkaServer(`127.0.0.1:${port}`, port, home);
    server.env = {
      KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controller), EDDY_KAFKA_HOME: home,
      KAFKA_HEAP: '-Xms128m -Xmx384m', KAFKA_UP_TIMEOUT: String(Math.round(UP_TIMEOUT_MS / 1000) - 10), KAFKA_STOP_TIMEOUT: '15',
    };
    try {
      await server.restart();
    } catch (e) {
      await server.stop().catch(() => {});
      throw e;
    }
    return server;
  }

  private env: Record<string, string> = {};

  /** The broker's pid (from its pid file), or null when it is not running. */
  get pid(): number | null {
    try {
      const pid = Number(readFileSync(join(this.home, 'kafka.pid'), 'utf8').trim());
      return Number.isInteger(pid) && alive(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  /** SIGKILLs the broker (a crash: no clean shutdown) and waits until it is gone. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === null) return;
    process.kill(pid, 'SIGKILL');
    await waitFor(`broker pid ${pid} to die`, () => !alive(pid), 15_000, 50);
  }

  /** Starts the broker from its data directory (again); resolves when it answers admin requests. */
  async restart(): Promise<void> {
    await runScript('scripts/kafka/up.sh', this.env, UP_TIMEOUT_MS);
  }

  /** Stops the broker (SIGTERM, then SIGKILL) and deletes its home. */
  async stop(): Promise<void> {
    try {
      if (this.pid !== null) await runScript('scripts/kafka/down.sh', this.env, 30_000).catch(() => this.kill());
    } finally {
      await sleep(0);
      this.stopWatchdog();
      rmSync(this.home, { recursive: true, force: true });
    }
  }
}
