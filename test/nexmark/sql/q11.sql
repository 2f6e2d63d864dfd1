-- Nexmark q11, user sessions (queries/q11.sql). SESSION(dateTime, 10 s) per bidder is spelled
-- out with window functions: a bid starts a new session when it comes more than the gap after the
-- bidder's previous bid (the windows [t, t + gap) of two bids exactly a gap apart touch, and
-- touching windows merge); SESSION_END is the last bid plus the gap. The running sum uses the
-- default RANGE frame so that bids at the same instant share their session.
WITH gaps AS (
  SELECT bidder, dateTime,
    CASE WHEN dateTime - lag(dateTime) OVER (PARTITION BY bidder ORDER BY dateTime) <= 10000 THEN 0 ELSE 1 END AS starts_session
  FROM bid
), sessions AS (
  SELECT bidder, dateTime, sum(starts_session) OVER (PARTITION BY bidder ORDER BY dateTime) AS session
  FROM gaps
)
SELECT bidder, count(*) AS bid_count, min(dateTime) AS starttime, max(dateTime) + 10000 AS endtime
FROM sessions GROUP BY bidder, session;
