-- The inner query of Nexmark q5 (queries/q5.sql's AuctionBids): bids per auction per HOP window of
-- 10 s sliding by 2 s, the window spelled out (a bid falls in the five windows starting at its 2 s
-- boundary and the four before). For runs in which no bid is late.
SELECT auction, count(*) AS num, window_start AS starttime, window_start + 10000 AS endtime
FROM (SELECT auction, (dateTime // 2000 - k) * 2000 AS window_start FROM bid CROSS JOIN range(5) AS r(k))
GROUP BY auction, window_start;
