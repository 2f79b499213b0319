-- Demo database for the fraud example project (not part of the project itself).
-- Deterministic: the same rows on every run. Idempotent: safe to run twice.
-- 8 credit limits, 1,000 users, 10,000 transactions.

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
