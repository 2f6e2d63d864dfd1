package eddy.bench.nexmark;

import java.nio.charset.StandardCharsets;

/**
 * src/connectors/nexmark/ in Java: event n is a pure function of (config, n), drawn from a PRNG
 * seeded with the event id, with the same text pools, channel table and id windows, so that the
 * same configuration gives the same events as Eddy's generator (checked by a digest of the first
 * events in bench/nexmark/, see EventDigest). One instance per thread.
 */
public final class Generator {
  private static final String[] FIRST_NAMES = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"};
  private static final String[] LAST_NAMES = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};
  private static final String[] CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"};
  private static final String[] STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  private static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
  private static final int HOT_ID_BLOCK = 100;
  private static final int HOT_CHANNEL_RATIO = 2;
  private static final int PADDING_POOL_LENGTH = 1 << 20;
  private static final int TEXT_POOL_LENGTH = 1 << 18;
  private static final int MIN_STRING_LENGTH = 3;
  private static final int TEXT_STREAM = 0x7e47;
  private static final int PADDING_STREAM = 0x9ad0;
  private static final int HOT_URL_STREAM = 0x407;
  private static final int CHANNEL_URL_STREAM = 0xc4a2;

  private static final String TEXT_POOL = buildPool(TEXT_POOL_LENGTH, TEXT_STREAM, true);
  private static final String PADDING_POOL = buildPool(PADDING_POOL_LENGTH, PADDING_STREAM, false);

  private final NexmarkConfig config;
  private final SeededRandom rng = new SeededRandom();
  private final String[] hotUrls = new String[HOT_CHANNELS.length];
  private final String[] channelNames;
  private final String[] channelUrls;

  public Generator(NexmarkConfig config) {
    this.config = config;
    SeededRandom tableRng = new SeededRandom();
    for (int i = 0; i < HOT_CHANNELS.length; i++) {
      tableRng.seed(i, HOT_URL_STREAM);
      hotUrls[i] = baseUrl(tableRng);
    }
    channelNames = new String[config.numChannels];
    channelUrls = new String[config.numChannels];
  }

  private static String buildPool(int length, int stream, boolean withSpaces) {
    SeededRandom rng = new SeededRandom();
    rng.seed(0, stream);
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      long bits = rng.nextUint32();
      boolean space = withSpaces && bits % 13 == 0;
      bytes[i] = (byte) (space ? 32 : 97 + (bits / 13) % 26);
    }
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  // ---- event time (event-time.ts) ----

  long adjustedEventNumber(long n) {
    int g = config.outOfOrderGroupSize;
    if (g == 1) return n;
    long inGroup = n % g;
    return n - inGroup + ((inGroup * 953) % g);
  }

  long eventTimeAt(long a) {
    return config.baseTime + (long) Math.floor(Math.floor(a * config.interEventDelayUs) / 1000);
  }

  /** The event time of event n, without generating it. */
  public long timestamp(long n) {
    return eventTimeAt(adjustedEventNumber(n));
  }

  // ---- id windows (id-windows.ts) ----

  long lastPersonIndex(long eventId) {
    long round = eventId / config.totalProportion;
    long offset = eventId - round * config.totalProportion;
    return round * config.personProportion + Math.min(offset, config.personProportion - 1);
  }

  long lastAuctionIndex(long eventId) {
    long round = eventId / config.totalProportion;
    long offset = eventId - round * config.totalProportion;
    if (offset < config.personProportion) return round * config.auctionProportion - 1;
    long auctionOffset = Math.min(offset - config.personProportion, config.auctionProportion - 1);
    return round * config.auctionProportion + auctionOffset;
  }

  long randomPersonIndex(long eventId) {
    long numPeople = lastPersonIndex(eventId) + 1;
    long active = Math.min(numPeople, config.numActivePeople);
    return numPeople - active + rng.nextInt(active + config.personIdLead);
  }

  long randomAuctionIndex(long eventId) {
    long last = lastAuctionIndex(eventId);
    long first = Math.max(last - config.numInFlightAuctions, 0);
    return first + rng.nextInt(last - first + 1 + config.auctionIdLead);
  }

  long hotAuctionIndex(long eventId) {
    return Math.floorDiv(lastAuctionIndex(eventId), HOT_ID_BLOCK) * HOT_ID_BLOCK;
  }

  long hotSellerIndex(long eventId) {
    return Math.floorDiv(lastPersonIndex(eventId), HOT_ID_BLOCK) * HOT_ID_BLOCK;
  }

  // ---- values (random-price.ts, random-text.ts) ----

  long randomPrice() {
    // StrictMath.pow is fdlibm's, as V8's Math.pow / **; Math.round(x) is floor(x + 0.5) in both.
    return Math.round(StrictMath.pow(10, rng.nextDouble() * 6) * 100);
  }

  String randomText(int maxLength) {
    String pool = TEXT_POOL;
    int length = MIN_STRING_LENGTH + (int) rng.nextInt(maxLength - MIN_STRING_LENGTH);
    int start = (int) rng.nextInt(pool.length() - length + 1);
    int end = start + length;
    while (start < end && pool.charAt(start) == ' ') start++;
    while (end > start && pool.charAt(end - 1) == ' ') end--;
    return pool.substring(start, end);
  }

  String randomPadding(int currentSize, int averageSize) {
    if (currentSize > averageSize) return "";
    int gap = averageSize - currentSize;
    long delta = Math.round(gap * 0.2);
    int size = (int) (gap - delta + (delta == 0 ? 0 : rng.nextInt(2 * delta)));
    int start = (int) rng.nextInt(PADDING_POOL.length() - size + 1);
    return PADDING_POOL.substring(start, start + size);
  }

  // ---- channels (channel-table.ts) ----

  private static String urlWord(SeededRandom r) {
    StringBuilder word = new StringBuilder(4);
    for (long n = 3 + r.nextInt(2); n > 0; n--) {
      word.append(r.nextInt(13) == 0 ? '_' : (char) (97 + r.nextInt(26)));
    }
    return word.toString();
  }

  private static String baseUrl(SeededRandom r) {
    String a = urlWord(r);
    String b = urlWord(r);
    String c = urlWord(r);
    return "https://www.nexmark.com/" + a + "/" + b + "/" + c + "/item.htm?query=1";
  }

  private void fillChannel(int i) {
    SeededRandom r = new SeededRandom();
    r.seed(i, CHANNEL_URL_STREAM);
    String url = baseUrl(r);
    channelUrls[i] = r.nextInt(10) > 0 ? url + "&channel_id=" + Math.abs(Integer.reverse(i)) : url;
    channelNames[i] = "channel-" + i;
  }

  // ---- records ----

  private String pick(String[] values) {
    return values[(int) rng.nextInt(values.length)];
  }

  private String cardGroup() {
    String s = Long.toString(rng.nextInt(10_000));
    return "0000".substring(s.length()) + s;
  }

  Person nextPerson(long eventId, long time) {
    Person p = new Person();
    p.id = config.firstPersonId + lastPersonIndex(eventId);
    String first = pick(FIRST_NAMES);
    p.name = first + " " + pick(LAST_NAMES);
    String user = randomText(7);
    p.emailAddress = user + "@" + randomText(5) + ".com";
    String c1 = cardGroup();
    String c2 = cardGroup();
    String c3 = cardGroup();
    p.creditCard = c1 + " " + c2 + " " + c3 + " " + cardGroup();
    p.city = pick(CITIES);
    p.state = pick(STATES);
    int size = 8 + p.name.length() + p.emailAddress.length() + p.creditCard.length() + p.city.length() + p.state.length();
    p.dateTime = time;
    p.extra = randomPadding(size, config.avgPersonByteSize);
    return p;
  }

  Auction nextAuction(long eventId, long adjusted, long time) {
    Auction a = new Auction();
    a.id = config.firstAuctionId + lastAuctionIndex(eventId);
    long sellerIndex = rng.nextInt(config.hotSellersRatio) > 0 ? hotSellerIndex(eventId) : randomPersonIndex(eventId);
    a.seller = config.firstPersonId + sellerIndex;
    a.category = config.firstCategoryId + rng.nextInt(config.numCategories);
    a.initialBid = randomPrice();
    long horizonMs = eventTimeAt(adjusted + config.auctionHorizonEvents) - time;
    a.expires = time + 1 + rng.nextInt(Math.max(horizonMs * 2, 1));
    a.itemName = randomText(20);
    a.description = randomText(100);
    a.reserve = a.initialBid + randomPrice();
    a.dateTime = time;
    int size = 48 + a.itemName.length() + a.description.length();
    a.extra = randomPadding(size, config.avgAuctionByteSize);
    return a;
  }

  Bid nextBid(long eventId, long time) {
    Bid b = new Bid();
    long auctionIndex = rng.nextInt(config.hotAuctionRatio) > 0 ? hotAuctionIndex(eventId) : randomAuctionIndex(eventId);
    long bidderIndex = rng.nextInt(config.hotBiddersRatio) > 0 ? hotSellerIndex(eventId) + 1 : randomPersonIndex(eventId);
    b.price = randomPrice();
    if (rng.nextInt(HOT_CHANNEL_RATIO) > 0) {
      int i = (int) rng.nextInt(HOT_CHANNELS.length);
      b.channel = HOT_CHANNELS[i];
      b.url = hotUrls[i];
    } else {
      int i = (int) rng.nextInt(config.numChannels);
      if (channelNames[i] == null) fillChannel(i);
      b.channel = channelNames[i];
      b.url = channelUrls[i];
    }
    b.extra = randomPadding(32, config.avgBidByteSize);
    b.auction = config.firstAuctionId + auctionIndex;
    b.bidder = config.firstPersonId + bidderIndex;
    b.dateTime = time;
    return b;
  }

  /** Event number n (n >= 0). */
  public Event event(long n) {
    long adjusted = adjustedEventNumber(n);
    long eventId = config.firstEventId + adjusted;
    long time = eventTimeAt(adjusted);
    rng.seed(eventId);
    long slot = eventId % config.totalProportion;
    Event e = new Event();
    if (slot >= config.personProportion + config.auctionProportion) {
      e.type = 2;
      e.bid = nextBid(eventId, time);
    } else if (slot >= config.personProportion) {
      e.type = 1;
      e.auction = nextAuction(eventId, adjusted, time);
    } else {
      e.type = 0;
      e.person = nextPerson(eventId, time);
    }
    return e;
  }
}
