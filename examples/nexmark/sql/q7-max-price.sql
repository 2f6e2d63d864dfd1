-- -------------------------------------------------------------------------------------------------
-- The inner query of Nexmark q7 (Highest Bid): the highest price of each 10 second tumbling window,
-- as q7.sql writes its B1 subquery. Eddy's SQL cannot yet run q7's join of the bids back to it.
-- -------------------------------------------------------------------------------------------------

CREATE TABLE nexmark_q7_max_price (
  maxprice  BIGINT,
  `dateTime`  TIMESTAMP(3)
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO nexmark_q7_max_price
SELECT MAX(price) AS maxprice, window_end as `dateTime`
  FROM TABLE(
          TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end;
