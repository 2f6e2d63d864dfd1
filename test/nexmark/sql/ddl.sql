-- The generated events, one JSON object per line as nexmarkEvent returns them, plus n, the order
-- in which the source emits them. Typed as nexmark/nexmark's ddl_gen.sql (times are epoch ms).
-- Variables: events_file, batch_size, delay_ms.
CREATE TABLE datagen AS
SELECT * FROM read_json(getvariable('events_file'), format = 'newline_delimited', columns = {
  n: 'BIGINT',
  type: 'INTEGER',
  person: 'STRUCT(id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, dateTime BIGINT, extra VARCHAR)',
  auction: 'STRUCT(id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, dateTime BIGINT, expires BIGINT, seller BIGINT, category BIGINT, extra VARCHAR)',
  bid: 'STRUCT(auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime BIGINT, extra VARCHAR)'
});

-- The reference's computed event-time column.
CREATE VIEW events AS
SELECT n, type AS event_type, person, auction, bid,
  CASE WHEN type = 0 THEN person.dateTime WHEN type = 1 THEN auction.dateTime ELSE bid.dateTime END AS dateTime
FROM datagen;

-- The watermark each event meets when it arrives. The source hands over batch_size events at a
-- time (one split) and the watermark follows each batch: the highest event time so far, minus
-- delay_ms, minus 1 (WatermarkStrategy.forBoundedOutOfOrderness). A batch meets the watermark
-- left by the batches before it; the first meets none.
CREATE VIEW arrival AS
WITH batches AS (
  SELECT n // getvariable('batch_size') AS batch, max(dateTime) AS max_time FROM events GROUP BY batch
)
SELECT batch,
  coalesce(max(max_time) OVER (ORDER BY batch ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) - getvariable('delay_ms') - 1,
           -9223372036854775807) AS wm
FROM batches;

-- The reference's bid view (ddl_views.sql), with each bid's arrival watermark.
CREATE VIEW bid AS
SELECT e.bid.auction AS auction, e.bid.bidder AS bidder, e.bid.price AS price, e.bid.channel AS channel,
  e.bid.url AS url, e.dateTime AS dateTime, e.bid.extra AS extra, a.wm AS arrival_wm
FROM events e JOIN arrival a ON a.batch = e.n // getvariable('batch_size')
WHERE e.event_type = 2;

-- The reference's person and auction views (ddl_views.sql).
CREATE VIEW person AS
SELECT e.person.id AS id, e.person.name AS name, e.person.emailAddress AS emailAddress, e.person.creditCard AS creditCard,
  e.person.city AS city, e.person.state AS state, e.dateTime AS dateTime, e.person.extra AS extra
FROM events e WHERE e.event_type = 0;

CREATE VIEW auction AS
SELECT e.auction.id AS id, e.auction.itemName AS itemName, e.auction.description AS description, e.auction.initialBid AS initialBid,
  e.auction.reserve AS reserve, e.dateTime AS dateTime, e.auction.expires AS expires, e.auction.seller AS seller,
  e.auction.category AS category, e.auction.extra AS extra
FROM events e WHERE e.event_type = 1;
