package eddy.bench.nexmark;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's CPU time (every thread: tasks, GC, JIT), read when the source opens and when the last
 * sink finishes, so the mini-cluster's start and stop are not charged to the query. The mini-cluster
 * runs in this JVM with the application class loader as parent, so the statics are shared.
 */
public final class Cpu {
  public static final AtomicLong jobStartNs = new AtomicLong(-1);
  public static final AtomicLong jobEndNs = new AtomicLong(-1);
  public static final AtomicLong wallStartNs = new AtomicLong(-1);
  public static final AtomicLong wallEndNs = new AtomicLong(-1);
  public static final AtomicLong checkpoints = new AtomicLong();

  private Cpu() {}

  public static long processCpuNs() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  public static void markStart() {
    if (jobStartNs.compareAndSet(-1, processCpuNs())) wallStartNs.set(System.nanoTime());
  }

  public static void markEnd() {
    jobEndNs.set(processCpuNs());
    wallEndNs.set(System.nanoTime());
  }

  /** Peak resident set size of this process, kB (VmHWM), or -1 where /proc is missing. */
  public static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }
}
