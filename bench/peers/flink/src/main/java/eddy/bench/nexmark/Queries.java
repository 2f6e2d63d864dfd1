package eddy.bench.nexmark;

import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The Nexmark queries on Flink's DataStream API, shaped as Eddy's in examples/nexmark/queries/
 * (same operators in the same order), so the two runtimes do the same work.
 */
public final class Queries {
  private Queries() {}

  /** The queries build() knows. */
  public static final java.util.List<String> NAMES = java.util.List.of("q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q11", "q12");

  /** q1's result: a bid with its price in euros. */
  public static class Q1Result {
    public long auction;
    public long bidder;
    public double price;
    public long dateTime;
    public String extra;

    public Q1Result() {}
  }

  /** q2's result. */
  public static class Q2Result {
    public long auction;
    public long price;

    public Q2Result() {}
  }

  /** A count per key and window (q5's both stages, q11, q12). */
  public static class KeyCount {
    public long key;
    public long num;
    public long start;
    public long end;

    public KeyCount() {}

    KeyCount(long key, long num, long start, long end) {
      this.key = key;
      this.num = num;
      this.start = start;
      this.end = end;
    }
  }

  /** The reference's bid view: keep the bids, narrowed to Bid. */
  public static final class Bids implements FlatMapFunction<Event, Bid> {
    @Override
    public void flatMap(Event e, Collector<Bid> out) {
      if (e.type == 2) out.collect(e.bid);
    }
  }

  public static final class Euros implements FlatMapFunction<Bid, Q1Result> {
    @Override
    public void flatMap(Bid b, Collector<Q1Result> out) {
      Q1Result r = new Q1Result();
      r.auction = b.auction;
      r.bidder = b.bidder;
      r.price = (b.price * 908) / 1000.0;
      r.dateTime = b.dateTime;
      r.extra = b.extra;
      out.collect(r);
    }
  }

  public static final class Every123rd implements FlatMapFunction<Bid, Q2Result> {
    @Override
    public void flatMap(Bid b, Collector<Q2Result> out) {
      if (b.auction % 123 == 0) {
        Q2Result r = new Q2Result();
        r.auction = b.auction;
        r.price = b.price;
        out.collect(r);
      }
    }
  }

  /** COUNT(*) as an incremental aggregate. */
  public static final class Count<T> implements AggregateFunction<T, Long, Long> {
    @Override
    public Long createAccumulator() {
      return 0L;
    }

    @Override
    public Long add(T value, Long acc) {
      return acc + 1;
    }

    @Override
    public Long getResult(Long acc) {
      return acc;
    }

    @Override
    public Long merge(Long a, Long b) {
      return a + b;
    }
  }

  /** Attaches the key and the window to a count. */
  public static final class WithWindow extends ProcessWindowFunction<Long, KeyCount, Long, TimeWindow> {
    @Override
    public void process(Long key, Context ctx, Iterable<Long> counts, Collector<KeyCount> out) {
      TimeWindow w = ctx.window();
      out.collect(new KeyCount(key, counts.iterator().next(), w.getStart(), w.getEnd()));
    }
  }

  /** q5's second stage: of one window's counts, those equal to the maximum. */
  public static final class Hottest extends ProcessWindowFunction<KeyCount, KeyCount, Long, TimeWindow> {
    @Override
    public void process(Long end, Context ctx, Iterable<KeyCount> all, Collector<KeyCount> out) {
      long max = 0;
      for (KeyCount c : all) if (c.num > max) max = c.num;
      for (KeyCount c : all) if (c.num >= max) out.collect(c);
    }
  }

  static DataStream<Bid> bids(DataStream<Event> events) {
    return events.flatMap(new Bids()).name("bids");
  }

  /** The query's result stream, or null for a query this peer does not have. */
  public static DataStream<?> build(String name, DataStream<Event> events) {
    switch (name) {
      case "q0":
        return bids(events);
      case "q1":
        return bids(events).flatMap(new Euros()).name("q1-euros");
      case "q2":
        return bids(events).flatMap(new Every123rd()).name("q2-every-123rd-auction");
      case "q5": {
        DataStream<KeyCount> counts = bids(events)
            .keyBy(b -> b.auction)
            .window(SlidingEventTimeWindows.of(Duration.ofSeconds(10), Duration.ofSeconds(2)))
            .aggregate(new Count<Bid>(), new WithWindow())
            .name("q5-bids-per-auction");
        return counts
            .keyBy(c -> c.end)
            .window(TumblingEventTimeWindows.of(Duration.ofSeconds(2)))
            .process(new Hottest())
            .name("q5-hottest-per-window");
      }
      case "q11":
        return bids(events)
            .keyBy(b -> b.bidder)
            .window(EventTimeSessionWindows.withGap(Duration.ofSeconds(10)))
            .aggregate(new Count<Bid>(), new WithWindow())
            .name("q11-bidder-sessions");
      case "q12":
        return bids(events)
            .keyBy(b -> b.bidder)
            .window(TumblingProcessingTimeWindows.of(Duration.ofSeconds(10)))
            .aggregate(new Count<Bid>(), new WithWindow())
            .name("q12-bidder-processing-time");
      default:
        return JoinQueries.build(name, events);
    }
  }
}
