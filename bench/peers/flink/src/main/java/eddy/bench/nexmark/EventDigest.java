package eddy.bench.nexmark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over one line per event, every field in schema order separated by '|'. The same
 * function in bench/nexmark/event-digest.ts: equal digests mean equal event streams.
 */
public final class EventDigest {
  private EventDigest() {}

  static String line(Event e) {
    if (e.type == 2) {
      Bid b = e.bid;
      return "B|" + b.auction + "|" + b.bidder + "|" + b.price + "|" + b.channel + "|" + b.url + "|" + b.dateTime + "|" + b.extra;
    }
    if (e.type == 1) {
      Auction a = e.auction;
      return "A|" + a.id + "|" + a.itemName + "|" + a.description + "|" + a.initialBid + "|" + a.reserve + "|" + a.dateTime
          + "|" + a.expires + "|" + a.seller + "|" + a.category + "|" + a.extra;
    }
    Person p = e.person;
    return "P|" + p.id + "|" + p.name + "|" + p.emailAddress + "|" + p.creditCard + "|" + p.city + "|" + p.state + "|" + p.dateTime + "|" + p.extra;
  }

  /** The hex digest of events 0 .. count - 1. */
  public static String of(NexmarkConfig config, long count) throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Generator generator = new Generator(config);
    for (long n = 0; n < count; n++) {
      sha.update(line(generator.event(n)).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
    }
    StringBuilder hex = new StringBuilder();
    for (byte x : sha.digest()) hex.append(String.format("%02x", x));
    return hex.toString();
  }
}
