package eddy.bench.cep;

import eddy.bench.nexmark.Cpu;
import eddy.bench.nexmark.CountingSink;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * One pattern of the CEP benchmark on Flink CEP in a local mini-cluster, parallelism 1; prints one
 * JSON line. The same patterns and events as bench/cep/eddy-cep-run.ts.
 *
 *   java -cp 'target/classes:target/lib/*' eddy.bench.cep.CepBench --pattern strict --events 5000000 --keys 100000
 */
public final class CepBench {
  private CepBench() {}

  static final long WITHIN_MS = 300_000;
  /** Process CPU time when the generator made the middle event: the second half shows the warmed-up rate. */
  static final AtomicLong halfCpuNs = new AtomicLong(-1);

  static final class Events implements GeneratorFunction<Long, BenchEvent> {
    private final int keys;
    private final long half;

    Events(int keys, long events) {
      this.keys = keys;
      this.half = events / 2;
    }

    @Override
    public void open(SourceReaderContext ctx) {
      Cpu.markStart();
    }

    @Override
    public BenchEvent map(Long n) {
      if (n == half) halfCpuNs.set(Cpu.processCpuNs());
      return BenchEvent.of(n, keys);
    }
  }

  static SimpleCondition<BenchEvent> kind(int lo, int hi) {
    return SimpleCondition.of(e -> e.kind >= lo && e.kind <= hi);
  }

  static Pattern<BenchEvent, ?> pattern(String name) {
    switch (name) {
      case "strict":
        return Pattern.<BenchEvent>begin("a").where(kind(0, 0)).next("b").where(kind(1, 3)).next("c").where(kind(4, 4));
      case "loop-within":
        return Pattern.<BenchEvent>begin("a").where(kind(0, 0)).followedBy("b").where(kind(1, 3)).oneOrMore()
            .followedBy("c").where(kind(4, 4)).within(Duration.ofMillis(WITHIN_MS));
      case "absence":
        return Pattern.<BenchEvent>begin("a").where(kind(0, 0)).notFollowedBy("b").where(kind(1, 3)).within(Duration.ofMillis(WITHIN_MS));
      default:
        throw new IllegalArgumentException("unknown pattern '" + name + "'; the patterns are strict, loop-within, absence");
    }
  }

  /** One output per match: the number of events it holds. */
  static final class Size extends PatternProcessFunction<BenchEvent, Integer> {
    @Override
    public void processMatch(Map<String, List<BenchEvent>> match, Context ctx, Collector<Integer> out) {
      int n = 0;
      for (List<BenchEvent> es : match.values()) n += es.size();
      out.collect(n);
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) args.put(argv[i].substring(2), argv[i + 1]);
    String name = args.getOrDefault("pattern", "strict");
    long events = Long.parseLong(args.getOrDefault("events", "1000000"));
    int keys = Integer.parseInt(args.getOrDefault("keys", "100000"));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    DataGeneratorSource<BenchEvent> source = new DataGeneratorSource<>(new Events(keys, events), events, RateLimiterStrategy.noOp(), TypeInformation.of(BenchEvent.class));
    DataStream<BenchEvent> stream = env.fromSource(source,
        WatermarkStrategy.<BenchEvent>forMonotonousTimestamps().withTimestampAssigner((e, ts) -> e.ts), "events");
    CEP.pattern(stream.keyBy(e -> e.key), pattern(name)).process(new Size()).addSink(new CountingSink<>()).name("count");
    JobExecutionResult r = env.execute("cep-" + name);
    long results = r.<Long>getAccumulatorResult("results");
    System.out.println("{\"pattern\":\"" + name + "\",\"events\":" + events + ",\"results\":" + results
        + ",\"cpuNs\":" + (Cpu.jobEndNs.get() - Cpu.jobStartNs.get()) + ",\"halfCpuNs\":" + (halfCpuNs.get() - Cpu.jobStartNs.get())
        + ",\"wallNs\":" + (Cpu.wallEndNs.get() - Cpu.wallStartNs.get())
        + ",\"maxRssKb\":" + Cpu.peakRssKb() + ",\"flink\":\"" + org.apache.flink.runtime.util.EnvironmentInformation.getVersion() + "\"}");
    System.exit(0);
  }
}
