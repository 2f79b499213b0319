-- Billing telemetry: the usage-record outbox (docs/specs/usage-records.md). Records are written here at the
-- point of use (off the response path, or in the same transaction as the work they meter) and shipped to Kafka
-- by a shipper that marks them; record_id is the idempotency key a consumer de-duplicates on.
create table usage_outbox (
    id bigserial primary key,
    record_id uuid not null unique,
    environment text not null,
    query_name text,
    metric text not null,
    quantity bigint not null,
    period_start timestamptz not null,
    period_end timestamptz not null,
    node text not null,
    created_at timestamptz not null default now(),
    shipped_at timestamptz
);
-- the shipper reads the unshipped rows in id order
create index usage_outbox_unshipped on usage_outbox (id) where shipped_at is null;
create index usage_outbox_period on usage_outbox (period_start);
