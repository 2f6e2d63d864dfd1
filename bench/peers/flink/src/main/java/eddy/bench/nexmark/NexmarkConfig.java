package eddy.bench.nexmark;

import java.io.Serializable;

/**
 * The generator's knobs with the defaults of src/connectors/nexmark/config.ts (the reference
 * defaults, baseTime fixed at 2026-01-01T00:00:00Z), plus the derived fields.
 */
public final class NexmarkConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public double firstEventRate = 10_000;
  public int numEventGenerators = 1;
  public int personProportion = 1;
  public int auctionProportion = 3;
  public int bidProportion = 46;
  public int avgPersonByteSize = 200;
  public int avgAuctionByteSize = 500;
  public int avgBidByteSize = 100;
  public int hotAuctionRatio = 2;
  public int hotSellersRatio = 4;
  public int hotBiddersRatio = 4;
  public int outOfOrderGroupSize = 1;
  public long baseTime = 1767225600000L;
  public long firstEventId = 0;
  public int numInFlightAuctions = 100;
  public int numActivePeople = 1000;
  public long firstPersonId = 1000;
  public long firstAuctionId = 1000;
  public int firstCategoryId = 10;
  public int numCategories = 5;
  public int personIdLead = 10;
  public int auctionIdLead = 10;
  public int numChannels = 10_000;

  // Derived, as nexmarkConfig() does once.
  int totalProportion;
  double interEventDelayUs;
  long auctionHorizonEvents;

  /** Computes the derived fields; call after setting options. */
  public NexmarkConfig resolve() {
    totalProportion = personProportion + auctionProportion + bidProportion;
    interEventDelayUs = (1_000_000 / firstEventRate) * numEventGenerators;
    auctionHorizonEvents = (long) Math.floor(((double) numInFlightAuctions * totalProportion) / auctionProportion);
    return this;
  }
}
