-- Nexmark q5, hot items (queries/q5.sql). HOP(TABLE bid, DESCRIPTOR(dateTime), 2 s, 10 s) is
-- spelled out: a bid falls in the five windows starting at its 2 s boundary and the four before.
-- A bid counts in a window only if that window was still open when the bid arrived
-- (window_end - 1 > its arrival watermark): a window that has fired does not fire again.
WITH hop AS (
  SELECT auction, (dateTime // 2000 - k) * 2000 AS window_start, arrival_wm FROM bid CROSS JOIN range(5) AS r(k)
), windowed AS (
  SELECT auction, window_start, window_start + 10000 AS window_end FROM hop WHERE window_start + 10000 - 1 > arrival_wm
), AuctionBids AS (
  SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
  FROM windowed GROUP BY auction, window_start, window_end
), MaxBids AS (
  SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime
  FROM (SELECT count(*) AS num, window_start AS starttime, window_end AS endtime
        FROM windowed GROUP BY auction, window_start, window_end) AS CountBids
  GROUP BY CountBids.starttime, CountBids.endtime
)
SELECT AuctionBids.auction, AuctionBids.num, AuctionBids.starttime, AuctionBids.endtime
FROM AuctionBids JOIN MaxBids
  ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime AND AuctionBids.num >= MaxBids.maxn;
