-- Nexmark q8, monitor new users (queries/q8.sql), with TUMBLE(..., 10 s) spelled out.
SELECT P.id, P.name, P.starttime AS stime
FROM (
  SELECT id, name, (dateTime // 10000) * 10000 AS starttime, (dateTime // 10000) * 10000 + 10000 AS endtime
  FROM person GROUP BY id, name, starttime, endtime
) P
JOIN (
  SELECT seller, (dateTime // 10000) * 10000 AS starttime, (dateTime // 10000) * 10000 + 10000 AS endtime
  FROM auction GROUP BY seller, starttime, endtime
) A
ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime;
