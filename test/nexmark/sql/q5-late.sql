-- What the watermark takes from q5: (bid, window) pairs left out because the window had fired,
-- and bids left out of every window (those a window operator reports as late).
WITH hop AS (
  SELECT auction, dateTime, arrival_wm, (dateTime // 2000 - k) * 2000 + 10000 - 1 > arrival_wm AS open
  FROM bid CROSS JOIN range(5) AS r(k)
)
SELECT
  count(*) FILTER (WHERE NOT open) AS late_pairs,
  (SELECT count(*) FROM bid WHERE (dateTime // 2000) * 2000 + 10000 - 1 <= arrival_wm) AS late_bids
FROM hop;
