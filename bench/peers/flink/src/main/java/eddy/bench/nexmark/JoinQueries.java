package eddy.bench.nexmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.JoinFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;

/**
 * Nexmark q3, q4, q7 and q8 on Flink's DataStream API, shaped as Eddy's (examples/nexmark/queries/
 * q3.ts, q4.ts, q7.ts, q8.ts): the same joins, keys, windows and intervals.
 */
public final class JoinQueries {
  private JoinQueries() {}

  /** q3's result. */
  public static class Q3Result {
    public String name;
    public String city;
    public String state;
    public long id;

    public Q3Result() {}
  }

  /** q4's result: the running average winning price of a category. */
  public static class Q4Result {
    public long category;
    public double avg;

    public Q4Result() {}
  }

  /** A closed auction and its winning price; also q4's running sum per category. */
  public static class Closed {
    public long id;
    public long category;
    public long sum;
    public long count;

    public Closed() {}
  }

  /** q4's per-auction state: the auction's lifetime. */
  public static class Open {
    public long category;
    public long dateTime;
    public long expires;

    public Open() {}
  }

  /** q7's result. */
  public static class Q7Result {
    public long auction;
    public long bidder;
    public long price;
    public long dateTime;
    public String extra;

    public Q7Result() {}
  }

  /** q8's intermediate (a seller with an auction in a window) and result. */
  public static class Seller {
    public long seller;
    public long start;

    public Seller() {}
  }

  public static class Q8Result {
    public long id;
    public String name;
    public long stime;

    public Q8Result() {}
  }

  public static final class Persons implements FlatMapFunction<Event, Person> {
    @Override
    public void flatMap(Event e, Collector<Person> out) {
      if (e.type == 0) out.collect(e.person);
    }
  }

  public static final class Auctions implements FlatMapFunction<Event, Auction> {
    @Override
    public void flatMap(Event e, Collector<Auction> out) {
      if (e.type == 1) out.collect(e.auction);
    }
  }

  private static final Set<String> Q3_STATES = Set.of("OR", "ID", "CA");

  /** A regular inner join: each side waits in keyed state for the other, for good. */
  public static final class Q3Join extends KeyedCoProcessFunction<Long, Auction, Person, Q3Result> {
    private transient ListState<Auction> auctions;
    private transient ListState<Person> persons;

    @Override
    public void open(Configuration parameters) {
      auctions = getRuntimeContext().getListState(new ListStateDescriptor<>("auctions", Auction.class));
      persons = getRuntimeContext().getListState(new ListStateDescriptor<>("persons", Person.class));
    }

    private static Q3Result result(Auction a, Person p) {
      Q3Result r = new Q3Result();
      r.name = p.name;
      r.city = p.city;
      r.state = p.state;
      r.id = a.id;
      return r;
    }

    @Override
    public void processElement1(Auction a, Context ctx, Collector<Q3Result> out) throws Exception {
      auctions.add(a);
      for (Person p : persons.get()) out.collect(result(a, p));
    }

    @Override
    public void processElement2(Person p, Context ctx, Collector<Q3Result> out) throws Exception {
      persons.add(p);
      for (Auction a : auctions.get()) out.collect(result(a, p));
    }
  }

  /** q4's first stage, as Eddy's `closing` function: per auction id, its highest bid in [dateTime, expires]. */
  public static final class Q4Closing extends KeyedProcessFunction<Long, Event, Closed> {
    private transient ValueState<Open> auction;
    private transient ValueState<Long> max;
    private transient ListState<Bid> pending;

    @Override
    public void open(Configuration parameters) {
      auction = getRuntimeContext().getState(new ValueStateDescriptor<>("auction", Open.class));
      max = getRuntimeContext().getState(new ValueStateDescriptor<>("max", Long.class));
      pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending", Bid.class));
    }

    private void bid(long price, long dateTime, Open a) throws Exception {
      if (dateTime < a.dateTime || dateTime > a.expires) return;
      Long m = max.value();
      if (m == null || price > m) max.update(price);
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<Closed> out) throws Exception {
      boolean late = ctx.timestamp() <= ctx.timerService().currentWatermark();
      if (e.type == 1) {
        if (late) return; // Eddy sends these to a side output; none occur on an in-order stream
        Open a = new Open();
        a.category = e.auction.category;
        a.dateTime = e.auction.dateTime;
        a.expires = e.auction.expires;
        auction.update(a);
        for (Bid b : pending.get()) bid(b.price, b.dateTime, a);
        pending.clear();
        ctx.timerService().registerEventTimeTimer(a.expires);
      } else if (e.type == 2) {
        Open a = auction.value();
        if (a != null) bid(e.bid.price, e.bid.dateTime, a);
        else if (!late) {
          pending.add(e.bid);
          ctx.timerService().registerEventTimeTimer(e.bid.dateTime);
        }
      }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Closed> out) throws Exception {
      Open a = auction.value();
      if (a == null) {
        List<Bid> keep = new ArrayList<>();
        for (Bid b : pending.get()) if (b.dateTime > time) keep.add(b);
        pending.update(keep);
      } else if (time >= a.expires) {
        Long m = max.value();
        if (m != null) {
          Closed c = new Closed();
          c.id = ctx.getCurrentKey();
          c.category = a.category;
          c.sum = m;
          c.count = 1;
          out.collect(c);
        }
        auction.clear();
        max.clear();
      }
    }
  }

  /** MAX(price) per window, with its window (as Eddy's `max`, a KeyedValue with start and end). */
  public static final class MaxPrice implements AggregateFunction<Bid, Long, Long> {
    @Override
    public Long createAccumulator() {
      return Long.MIN_VALUE;
    }

    @Override
    public Long add(Bid b, Long acc) {
      return Math.max(acc, b.price);
    }

    @Override
    public Long getResult(Long acc) {
      return acc;
    }

    @Override
    public Long merge(Long a, Long b) {
      return Math.max(a, b);
    }
  }

  public static final class Q7Match extends ProcessJoinFunction<Bid, Queries.KeyCount, Q7Result> {
    @Override
    public void processElement(Bid b, Queries.KeyCount max, Context ctx, Collector<Q7Result> out) {
      Q7Result r = new Q7Result();
      r.auction = b.auction;
      r.bidder = b.bidder;
      r.price = b.price;
      r.dateTime = b.dateTime;
      r.extra = b.extra;
      out.collect(r);
    }
  }

  public static final class SellerInWindow extends org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction<Long, Seller, Long, org.apache.flink.streaming.api.windowing.windows.TimeWindow> {
    @Override
    public void process(Long seller, Context ctx, Iterable<Long> counts, Collector<Seller> out) {
      Seller s = new Seller();
      s.seller = seller;
      s.start = ctx.window().getStart();
      out.collect(s);
    }
  }

  public static final class Q8Match implements JoinFunction<Person, Seller, Q8Result> {
    @Override
    public Q8Result join(Person p, Seller s) {
      Q8Result r = new Q8Result();
      r.id = p.id;
      r.name = p.name;
      r.stime = s.start;
      return r;
    }
  }

  /** The query's result stream, or null for a query not here. */
  public static DataStream<?> build(String name, DataStream<Event> events) {
    switch (name) {
      case "q3": {
        DataStream<Person> sellers = events.flatMap(new Persons()).name("persons").filter(p -> Q3_STATES.contains(p.state)).name("q3-persons-in-or-id-ca");
        DataStream<Auction> auctions = events.flatMap(new Auctions()).name("auctions").filter(a -> a.category == 10).name("q3-auctions-in-category-10");
        return auctions.keyBy(a -> a.seller).connect(sellers.keyBy(p -> p.id)).process(new Q3Join()).name("q3-join");
      }
      case "q4": {
        DataStream<Closed> closed = events.filter(e -> e.type != 0)
            .keyBy(e -> e.type == 1 ? e.auction.id : e.bid.auction)
            .process(new Q4Closing())
            .name("q4-winning-bids");
        return closed.keyBy(c -> c.category)
            .reduce((a, b) -> {
              Closed s = new Closed();
              s.category = a.category;
              s.sum = a.sum + b.sum;
              s.count = a.count + b.count;
              return s;
            })
            .map(c -> {
              Q4Result r = new Q4Result();
              r.category = c.category;
              r.avg = (double) c.sum / c.count;
              return r;
            })
            .returns(Q4Result.class)
            .name("q4-average-per-category");
      }
      case "q7": {
        DataStream<Bid> bids = Queries.bids(events);
        DataStream<Queries.KeyCount> maxima = bids.keyBy(b -> 0L)
            .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
            .aggregate(new MaxPrice(), new Queries.WithWindow())
            .name("q7-max-per-window");
        return bids.keyBy(b -> b.price)
            .intervalJoin(maxima.keyBy(m -> m.num))
            .between(Duration.ofMillis(-1), Duration.ofMillis(9_999))
            .process(new Q7Match())
            .name("q7-bids-at-max");
      }
      case "q8": {
        DataStream<Seller> sellers = events.flatMap(new Auctions()).name("auctions")
            .keyBy(a -> a.seller)
            .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
            .aggregate(new Queries.Count<Auction>(), new SellerInWindow())
            .name("q8-sellers-per-window");
        return events.flatMap(new Persons()).name("persons")
            .join(sellers)
            .where(p -> p.id)
            .equalTo(s -> s.seller)
            .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
            .apply(new Q8Match());
      }
      default:
        return null;
    }
  }
}
