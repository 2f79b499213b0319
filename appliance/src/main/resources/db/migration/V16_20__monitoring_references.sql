-- Reference datasets for drift (docs/operations.md, "Drift"): one row per feature of a named reference, its values
-- summarized (numbers: their quantiles at ranks 0, 0.001, ..., 1 as 1001 big-endian doubles; anything else: the most
-- frequent values and their counts).
create table monitoring_references (
    environment text not null,
    name text not null,
    feature text not null,
    source_job_id text,
    total bigint not null,
    nulls bigint not null,
    quantiles bytea,
    top_values jsonb,
    created_at timestamptz not null default now(),
    primary key (environment, name, feature)
);
