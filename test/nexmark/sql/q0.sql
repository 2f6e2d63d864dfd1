-- Nexmark q0, pass-through (nexmark/nexmark queries/q0.sql), with every field of the bid.
SELECT auction, bidder, price, channel, url, dateTime, extra FROM bid;
