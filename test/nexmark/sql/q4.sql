-- Nexmark q4, average price for a category (queries/q4.sql), as the reference has it; the output
-- columns are named as Eddy's q4 names them.
SELECT Q.category AS category, AVG(Q.final) AS avg
FROM (
  SELECT MAX(B.price) AS final, A.category
  FROM auction A, bid B
  WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category
) Q
GROUP BY Q.category;
