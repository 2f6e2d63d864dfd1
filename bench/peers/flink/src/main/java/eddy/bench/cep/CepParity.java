package eddy.bench.cep;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Runs the parity patterns on Flink CEP over events read from a CSV file (id,kind,ts,key,value, in
 * arrival order) and writes what each pattern emits, one line per output:
 * pattern TAB M|T TAB key TAB timestamp TAB stage:ids|stage:ids
 *
 *   java -cp 'target/classes:target/lib/*' eddy.bench.cep.CepParity --input in.csv --output out.tsv --lag 3 [--patterns a,b]
 *
 * The watermark follows each event: the largest timestamp so far minus lag minus 1, as Eddy's
 * bounded out-of-orderness strategy does after each batch.
 */
public final class CepParity {
  private CepParity() {}

  static final class Punctuated implements WatermarkGenerator<CepEvent> {
    private final long lag;
    private long max = Long.MIN_VALUE + 1;

    Punctuated(long lag) {
      this.lag = lag;
    }

    @Override
    public void onEvent(CepEvent e, long ts, WatermarkOutput out) {
      max = Math.max(max, ts);
      out.emitWatermark(new Watermark(max - lag - 1));
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput out) {}
  }

  static String show(Map<String, List<CepEvent>> match, List<String> stages) {
    StringBuilder sb = new StringBuilder();
    for (String s : stages) {
      List<CepEvent> es = match.get(s);
      if (es == null || es.isEmpty()) continue;
      if (sb.length() > 0) sb.append('|');
      sb.append(s).append(':');
      for (int i = 0; i < es.size(); i++) sb.append(i == 0 ? "" : ",").append(es.get(i).id);
    }
    return sb.toString();
  }

  static class Matches extends PatternProcessFunction<CepEvent, String> {
    final String name;
    final List<String> stages;

    Matches(String name, List<String> stages) {
      this.name = name;
      this.stages = stages;
    }

    @Override
    public void processMatch(Map<String, List<CepEvent>> match, Context ctx, Collector<String> out) {
      out.collect(name + "\tM\t" + keyOf(match) + "\t" + ctx.timestamp() + "\t" + show(match, stages));
    }
  }

  static final OutputTag<String> TIMED_OUT = new OutputTag<String>("timed-out") {};

  static final class MatchesAndTimeouts extends Matches implements TimedOutPartialMatchHandler<CepEvent> {
    MatchesAndTimeouts(String name, List<String> stages) {
      super(name, stages);
    }

    @Override
    public void processTimedOutMatch(Map<String, List<CepEvent>> match, Context ctx) {
      ctx.output(TIMED_OUT, name + "\tT\t" + keyOf(match) + "\t" + ctx.timestamp() + "\t" + show(match, stages));
    }
  }

  static String keyOf(Map<String, List<CepEvent>> match) {
    for (List<CepEvent> es : match.values()) if (!es.isEmpty()) return es.get(0).key;
    return "?";
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) args.put(argv[i].substring(2), argv[i + 1]);
    List<CepEvent> events = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args.get("input")), StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      String[] f = line.split(",");
      events.add(new CepEvent(f[0], f[1], Long.parseLong(f[2]), f[3], Integer.parseInt(f[4])));
    }
    long lag = Long.parseLong(args.getOrDefault("lag", "0"));
    Map<String, ParityPatterns.Spec> specs = ParityPatterns.all();
    List<String> names = args.containsKey("patterns") ? List.of(args.get("patterns").split(",")) : new ArrayList<>(specs.keySet());
    // One job for all patterns: one branch per pattern on the same input (a mini-cluster per
    // pattern would cost seconds each).
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    DataStream<CepEvent> input = env.fromData(events).assignTimestampsAndWatermarks(
        WatermarkStrategy.<CepEvent>forGenerator(ctx -> new Punctuated(lag)).withTimestampAssigner((e, t) -> e.ts));
    DataStream<String> all = null;
    for (String name : names) {
      ParityPatterns.Spec spec = specs.get(name);
      if (spec == null) throw new IllegalArgumentException("no parity pattern '" + name + "'");
      SingleOutputStreamOperator<String> out = CEP.pattern(input.keyBy(e -> e.key), spec.pattern)
          .process(spec.timeouts ? new MatchesAndTimeouts(name, spec.stages) : new Matches(name, spec.stages));
      DataStream<String> both = spec.timeouts ? out.union(out.getSideOutput(TIMED_OUT)) : out;
      all = all == null ? both : all.union(both);
    }
    try (BufferedWriter w = Files.newBufferedWriter(Path.of(args.get("output")), StandardCharsets.UTF_8);
        CloseableIterator<String> it = all.executeAndCollect("cep-parity")) {
      while (it.hasNext()) {
        w.write(it.next());
        w.newLine();
      }
    }
    System.out.println("{\"patterns\":" + names.size() + "}");
    // The mini-cluster's threads can keep the JVM alive after the job.
    System.exit(0);
  }
}
