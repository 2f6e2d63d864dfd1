package eddy.bench.cep;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * The fixed patterns Eddy's CEP is compared with Flink CEP on. test/cep/parity-patterns.ts holds the
 * same patterns under the same names, written with Eddy's builder; keep the two in step.
 */
final class ParityPatterns {
  private ParityPatterns() {}

  /** A pattern, its stages in pattern order (how matches are printed), and whether timeouts are collected. */
  static final class Spec {
    final Pattern<CepEvent, ?> pattern;
    final List<String> stages;
    final boolean timeouts;

    Spec(Pattern<CepEvent, ?> pattern, List<String> stages, boolean timeouts) {
      this.pattern = pattern;
      this.stages = stages;
      this.timeouts = timeouts;
    }
  }

  static SimpleCondition<CepEvent> kind(String k) {
    return SimpleCondition.of(e -> e.kind.equals(k));
  }

  static SimpleCondition<CepEvent> valueAtLeast(int v) {
    return SimpleCondition.of(e -> e.value >= v);
  }

  /** Sum of the b events taken so far plus this one stays <= limit. */
  static final class BSumAtMost extends IterativeCondition<CepEvent> {
    private final int limit;

    BSumAtMost(int limit) {
      this.limit = limit;
    }

    @Override
    public boolean filter(CepEvent e, Context<CepEvent> ctx) throws Exception {
      int sum = e.value;
      for (CepEvent b : ctx.getEventsForPattern("b")) sum += b.value;
      return e.kind.equals("b") && sum <= limit;
    }
  }

  static Pattern<CepEvent, CepEvent> begin(String name, AfterMatchSkipStrategy skip) {
    return skip == null ? Pattern.<CepEvent>begin(name) : Pattern.<CepEvent>begin(name, skip);
  }

  static Map<String, Spec> all() {
    Map<String, Spec> m = new LinkedHashMap<>();
    List<String> abc = List.of("a", "b", "c");
    m.put("strict", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).next("b").where(kind("b")).next("c").where(kind("c")), abc, false));
    m.put("relaxed", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(kind("b")).followedBy("c").where(kind("c")), abc, false));
    m.put("any", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedByAny("b").where(kind("b")).followedByAny("c").where(kind("c")), abc, false));
    m.put("not-next", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).notNext("x").where(kind("b")).followedBy("c").where(kind("c")), List.of("a", "c"), false));
    m.put("not-next-end", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).notNext("x").where(kind("b")), List.of("a"), false));
    m.put("not-followed-mid", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).notFollowedBy("x").where(kind("b")).followedBy("c").where(kind("c")), List.of("a", "c"), false));
    m.put("absence", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).notFollowedBy("x").where(kind("b")).within(Duration.ofMillis(6)), List.of("a"), false));
    m.put("times-consecutive", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).times(3).consecutive(), List.of("a"), false));
    m.put("times-range", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(kind("b")).times(2, 3).followedBy("c").where(kind("c")), abc, false));
    m.put("one-or-more", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(kind("b")).oneOrMore().followedBy("c").where(kind("c")), abc, false));
    // Combinations grow exponentially without a window (on both systems): this one is bounded.
    m.put("combinations", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedByAny("b").where(kind("b")).oneOrMore().allowCombinations().followedBy("c").where(kind("c"))
        .within(Duration.ofMillis(8)), abc, true));
    m.put("times-or-more-consecutive", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(kind("b")).timesOrMore(2).consecutive().next("c").where(kind("c")), abc, false));
    m.put("optional-mid", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(kind("b")).optional().followedBy("c").where(kind("c")), abc, false));
    m.put("optional-begin", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).optional().next("b").where(kind("b")), List.of("a", "b"), false));
    m.put("greedy", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(valueAtLeast(3)).oneOrMore().greedy().followedBy("c").where(kind("c")), abc, false));
    m.put("until", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(kind("b")).oneOrMore().until(kind("d")).followedBy("c").where(kind("c")), abc, false));
    m.put("group-times", new Spec(Pattern.<CepEvent>begin("a").where(kind("a"))
        .followedBy(Pattern.<CepEvent>begin("b").where(kind("b")).next("c").where(kind("c"))).times(2)
        .followedBy("d").where(kind("d")), List.of("a", "b", "c", "d"), false));
    m.put("group-optional", new Spec(Pattern.<CepEvent>begin("a").where(kind("a"))
        .next(Pattern.<CepEvent>begin("b").where(kind("b")).followedBy("c").where(kind("c"))).optional()
        .followedBy("d").where(kind("d")), List.of("a", "b", "c", "d"), false));
    m.put("group-begin-loop", new Spec(Pattern.begin(Pattern.<CepEvent>begin("a").where(kind("a")).next("b").where(kind("b"))).oneOrMore()
        .followedBy("c").where(kind("c")).within(Duration.ofMillis(12)), abc, true));
    m.put("within-timeouts", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(kind("b")).oneOrMore()
        .followedBy("c").where(kind("c")).within(Duration.ofMillis(6)), abc, true));
    m.put("begin-loop-within", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).oneOrMore().followedBy("b").where(kind("b")).within(Duration.ofMillis(5)), List.of("a", "b"), true));
    m.put("iterative", new Spec(Pattern.<CepEvent>begin("a").where(kind("a")).followedBy("b").where(new BSumAtMost(10)).oneOrMore()
        .followedBy("c").where(kind("c")), abc, false));
    Map<String, AfterMatchSkipStrategy> skips = new LinkedHashMap<>();
    skips.put("skip-to-next", AfterMatchSkipStrategy.skipToNext());
    skips.put("skip-past-last", AfterMatchSkipStrategy.skipPastLastEvent());
    skips.put("skip-to-first-b", AfterMatchSkipStrategy.skipToFirst("b"));
    skips.put("skip-to-last-b", AfterMatchSkipStrategy.skipToLast("b"));
    for (Map.Entry<String, AfterMatchSkipStrategy> s : skips.entrySet()) {
      m.put("one-or-more-" + s.getKey(), new Spec(begin("a", s.getValue()).where(kind("a")).followedBy("b").where(kind("b")).oneOrMore()
          .followedBy("c").where(kind("c")).within(Duration.ofMillis(10)), abc, true));
      m.put("any-" + s.getKey(), new Spec(begin("a", s.getValue()).where(kind("a")).followedByAny("b").where(kind("b"))
          .followedByAny("c").where(kind("c")), abc, false));
    }
    return m;
  }
}
