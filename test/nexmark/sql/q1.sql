-- Nexmark q1, currency conversion (queries/q1.sql). 0.908 * price is an exact DECIMAL here, as in
-- Flink; Eddy's result is the double nearest to it.
SELECT auction, bidder, CAST(0.908 * price AS DOUBLE) AS price, dateTime, extra FROM bid;
