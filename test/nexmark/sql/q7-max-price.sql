-- The inner query of Nexmark q7 (queries/q7.sql's B1): the highest price of each 10 s tumbling
-- window, with the window's end. For runs in which no bid is late.
SELECT max(price) AS maxprice, (dateTime // 10000) * 10000 + 10000 AS dateTime FROM bid GROUP BY dateTime // 10000;
