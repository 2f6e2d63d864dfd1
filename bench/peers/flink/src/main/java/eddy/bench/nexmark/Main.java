package eddy.bench.nexmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One Nexmark query on Flink in a local mini-cluster, parallelism 1; prints one JSON line.
 *
 *   java -cp 'target/classes:target/lib/*' eddy.bench.nexmark.Main --query q5 --events 5000000 [--checkpoint-ms 10000]
 *   java ... eddy.bench.nexmark.Main --digest 100000     (SHA-256 of the first events, see EventDigest)
 */
public final class Main {
  private Main() {}

  /** Event n of the generator; one Generator per source reader. */
  static final class Events implements GeneratorFunction<Long, Event> {
    private final NexmarkConfig config;
    private transient Generator generator;

    Events(NexmarkConfig config) {
      this.config = config;
    }

    @Override
    public void open(SourceReaderContext ctx) {
      generator = new Generator(config);
      Cpu.markStart();
    }

    @Override
    public Event map(Long n) {
      return generator.event(n);
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("expected --option value pairs; got '" + argv[i] + "'");
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    NexmarkConfig config = new NexmarkConfig();
    if (args.containsKey("out-of-order")) config.outOfOrderGroupSize = Integer.parseInt(args.get("out-of-order"));
    if (args.containsKey("first-event-rate")) config.firstEventRate = Double.parseDouble(args.get("first-event-rate"));
    config.resolve();
    if (args.containsKey("list")) {
      System.out.println("{\"queries\":[\"" + String.join("\",\"", Queries.NAMES) + "\"]}");
      return;
    }
    if (args.containsKey("digest")) {
      System.out.println("{\"digest\":\"" + EventDigest.of(config, Long.parseLong(args.get("digest"))) + "\"}");
      return;
    }
    String query = args.getOrDefault("query", "q0");
    long events = Long.parseLong(args.getOrDefault("events", "1000000"));
    long checkpointMs = Long.parseLong(args.getOrDefault("checkpoint-ms", "0"));
    if (args.containsKey("results-of")) {
      // Result counts of several queries in one JVM, for the test that compares them with Eddy's.
      StringBuilder json = new StringBuilder("{");
      for (String q : args.get("results-of").split(",")) {
        if (json.length() > 1) json.append(',');
        json.append('"').append(q).append("\":").append(results(q, events, config));
      }
      System.out.println(json.append('}'));
      return;
    }

    Configuration conf = new Configuration();
    Path checkpointDir = null;
    if (checkpointMs > 0) {
      checkpointDir = Files.createTempDirectory("nexmark-flink-ckpt-");
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    if (checkpointMs > 0) env.enableCheckpointing(checkpointMs, CheckpointingMode.EXACTLY_ONCE);

    DataGeneratorSource<Event> source = new DataGeneratorSource<>(new Events(config), events, RateLimiterStrategy.noOp(), TypeInformation.of(Event.class));
    WatermarkStrategy<Event> watermarks = WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(4))
        .withTimestampAssigner((e, ts) -> e.dateTime());
    DataStream<Event> stream = env.fromSource(source, watermarks, "nexmark");
    DataStream<?> result = Queries.build(query, stream);
    if (result == null) throw new IllegalArgumentException("unknown query '" + query + "'");
    addSink(result);

    long cpu0 = Cpu.processCpuNs();
    long wall0 = System.nanoTime();
    JobExecutionResult r = env.execute("nexmark-" + query);
    long totalCpu = Cpu.processCpuNs() - cpu0;
    long totalWall = System.nanoTime() - wall0;
    long results = r.<Long>getAccumulatorResult("results");
    if (checkpointDir != null) deleteTree(checkpointDir);
    System.out.println("{\"query\":\"" + query + "\",\"events\":" + events + ",\"results\":" + results
        + ",\"cpuNs\":" + (Cpu.jobEndNs.get() - Cpu.jobStartNs.get()) + ",\"wallNs\":" + (Cpu.wallEndNs.get() - Cpu.wallStartNs.get())
        + ",\"totalCpuNs\":" + totalCpu + ",\"totalWallNs\":" + totalWall
        + ",\"checkpoints\":" + Cpu.checkpoints.get() + ",\"maxRssKb\":" + Cpu.peakRssKb()
        + ",\"flink\":\"" + org.apache.flink.runtime.util.EnvironmentInformation.getVersion() + "\"}");
  }

  private static long results(String query, long events, NexmarkConfig config) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    DataGeneratorSource<Event> source = new DataGeneratorSource<>(new Events(config), events, RateLimiterStrategy.noOp(), TypeInformation.of(Event.class));
    DataStream<Event> stream = env.fromSource(source, WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(4))
        .withTimestampAssigner((e, ts) -> e.dateTime()), "nexmark");
    DataStream<?> result = Queries.build(query, stream);
    if (result == null) throw new IllegalArgumentException("unknown query '" + query + "'");
    addSink(result);
    return env.execute("nexmark-" + query).<Long>getAccumulatorResult("results");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void addSink(DataStream<?> result) {
    ((DataStream) result).addSink(new CountingSink()).name("count");
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
