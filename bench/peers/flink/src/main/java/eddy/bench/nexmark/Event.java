package eddy.bench.nexmark;

/** One event: type 0 person, 1 auction, 2 bid; the other two records are null (as Flink's Nexmark Event). */
public class Event {
  public int type;
  public Person person;
  public Auction auction;
  public Bid bid;

  public Event() {}

  public long dateTime() {
    return type == 2 ? bid.dateTime : type == 1 ? auction.dateTime : person.dateTime;
  }
}
