-- Demo database for the fraud example project (not part of the project itself).
-- Deterministic (apart from the recent transactions, whose times follow the seeding time). Idempotent: safe to run twice.
-- 8 credit limits, 1,000 users, 10,000 transactions in 2025 and 20,006 in the 30 days before seeding.

CREATE TABLE IF NOT EXISTS credit_limits (
    country      text PRIMARY KEY,
    limit_amount double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    id          bigint PRIMARY KEY,
    email       text NOT NULL,
    name        text NOT NULL,
    age         integer NOT NULL,
    signup_date date NOT NULL,
    country     text NOT NULL,
    is_verified boolean NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS transactions (
    id       bigint PRIMARY KEY,
    user_id  bigint NOT NULL REFERENCES users (id),
    amount   numeric(12, 2) NOT NULL,
    merchant text NOT NULL,
    ts       timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS transactions_user_id ON transactions (user_id);

INSERT INTO credit_limits (country, limit_amount) VALUES
    ('US', 5000.0), ('DE', 4000.0), ('FR', 3500.0), ('GB', 4500.0),
    ('BR', 2000.0), ('IN', 1500.0), ('JP', 6000.0), ('CA', 5500.0)
ON CONFLICT (country) DO NOTHING;

INSERT INTO users (id, email, name, age, signup_date, country, is_verified, created_at)
SELECT g,
       lower((ARRAY['ada', 'ben', 'chen', 'dana', 'emil', 'fatima', 'goran', 'hana', 'ivan', 'jun'])[1 + g % 10])
           || '.' || g || '@'
           || (ARRAY['example.com', 'mail.test', 'corp.test', 'fastmail.test'])[1 + g % 4],
       (ARRAY['Ada', 'Ben', 'Chen', 'Dana', 'Emil', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Jun'])[1 + g % 10]
           || ' '
           || (ARRAY['Lovelace', 'Okafor', 'Wang', 'Silva', 'Berg', 'Haddad', 'Novak', 'Sato', 'Petrov', 'Kim', 'Garcia'])[1 + (g / 10) % 11],
       16 + (g * 7) % 60,
       DATE '2020-01-01' + (g * 13) % 2000,
       (ARRAY['US', 'DE', 'FR', 'GB', 'BR', 'IN', 'JP', 'CA'])[1 + (g * 3) % 8],
       g % 3 <> 0,
       (DATE '2020-01-01' + (g * 13) % 2000)::timestamp AT TIME ZONE 'UTC' + ((g * 17) % 24) * INTERVAL '1 hour'
FROM generate_series(1, 1000) AS g
ON CONFLICT (id) DO NOTHING;

INSERT INTO transactions (id, user_id, amount, merchant, ts)
SELECT g,
       1 + (g * 37) % 1000,
       round(5 + ((g * 7919) % 30000) / 100.0
             + (CASE WHEN g % 13 = 0 THEN 400 + (g % 500) ELSE 0 END)
             + (CASE WHEN g % 97 = 0 THEN 1200 ELSE 0 END), 2),
       (ARRAY['grocer', 'airline', 'bookshop', 'cafe', 'electronics', 'fuel', 'hotel', 'pharmacy', 'taxi', 'online-market'])[1 + (g * 3) % 10],
       TIMESTAMPTZ '2025-01-01 00:00:00+00' + g * INTERVAL '47 minutes'
FROM generate_series(1, 10000) AS g
ON CONFLICT (id) DO NOTHING;

-- Recent activity for the windowed aggregations (user.txn_count[1h], user.spend[30d]): 20,000 transactions
-- spread over the 30 days before seeding, and for user 1 one transaction every 10 minutes of the last hour
-- (so its example query shows non-zero 1h counts right after `slate up --demo`). Times are relative to the
-- seeding time; the amounts, merchants and users are deterministic.
INSERT INTO transactions (id, user_id, amount, merchant, ts)
SELECT 100000 + g,
       1 + (g * 37) % 1000,
       round(3 + ((g * 7919) % 20000) / 100.0 + (CASE WHEN g % 41 = 0 THEN -25 ELSE 0 END), 2),
       (ARRAY['grocer', 'airline', 'bookshop', 'cafe', 'electronics', 'fuel', 'hotel', 'pharmacy', 'taxi', 'online-market'])[1 + (g * 7) % 10],
       now() - ((g * 104729) % 2592000) * INTERVAL '1 second'
FROM generate_series(1, 20000) AS g
ON CONFLICT (id) DO NOTHING;

INSERT INTO transactions (id, user_id, amount, merchant, ts)
SELECT 200000 + g, 1, 12.5 * g, 'cafe', now() - g * INTERVAL '10 minutes' + INTERVAL '1 minute'
FROM generate_series(1, 6) AS g
ON CONFLICT (id) DO NOTHING;
