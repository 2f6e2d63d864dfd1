-- Nexmark q2, selection (queries/q2.sql).
SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
