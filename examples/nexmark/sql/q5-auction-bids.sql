-- -------------------------------------------------------------------------------------------------
-- The inner query of Nexmark q5 (Hot Items): bids per auction in each 10 second window sliding by
-- 2 seconds, as q5.sql writes its AuctionBids subquery. Eddy's SQL cannot yet run q5's join of these
-- counts to each window's maximum.
-- -------------------------------------------------------------------------------------------------

CREATE TABLE nexmark_q5_auction_bids (
  auction  BIGINT,
  num  BIGINT,
  starttime  TIMESTAMP(3),
  endtime  TIMESTAMP(3)
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO nexmark_q5_auction_bids
SELECT
  auction,
  count(*) AS num,
  window_start AS starttime,
  window_end AS endtime
  FROM TABLE(
          HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
  GROUP BY auction, window_start, window_end;
