-- Nexmark q7, highest bid (queries/q7.sql). TUMBLE(TABLE bid, DESCRIPTOR(dateTime), 10 s) is
-- spelled out; the join keeps the reference's inclusive BETWEEN (a bid at exactly a window's end
-- can match that window's maximum).
SELECT B.auction, B.bidder, B.price, B.dateTime, B.extra
FROM bid B
JOIN (
  SELECT max(price) AS maxprice, w * 10000 + 10000 AS window_end
  FROM (SELECT price, dateTime // 10000 AS w FROM bid) GROUP BY w
) B1
ON B.price = B1.maxprice
WHERE B.dateTime BETWEEN B1.window_end - 10000 AND B1.window_end;
