-- Alert rules, channels, silences, state and delivery log (docs/alerts.md). Version 13.11: issue 11's
-- migration, numbered apart from the other migrations of the same round.
create table alert_rules (
    environment text not null,
    name text not null,
    formula text not null,
    comparator text not null,
    threshold double precision not null,
    window_seconds bigint not null,
    severity text not null,
    owner text not null,
    channels text[] not null default '{}',
    description text,
    updated_at timestamptz not null default now(),
    primary key (environment, name)
);

create table alert_channels (
    environment text not null,
    name text not null,
    kind text not null,
    url text not null,
    secret_ref text,
    email_to text,
    updated_at timestamptz not null default now(),
    primary key (environment, name)
);

create table alert_silences (
    id bigserial primary key,
    environment text not null,
    rule text,
    until_at timestamptz not null,
    reason text,
    created_by text,
    created_at timestamptz not null default now()
);

create table alert_state (
    environment text not null,
    rule text not null,
    status text not null,
    since timestamptz not null,
    last_value double precision,
    dedup_key text not null,
    primary key (environment, rule)
);

create table alert_notifications (
    id bigserial primary key,
    environment text not null,
    rule text not null,
    channel text not null,
    event text not null,
    dedup_key text not null,
    status text not null,
    attempts int not null,
    last_error text,
    at timestamptz not null default now()
);
create index alert_notifications_env_at on alert_notifications (environment, at desc);

-- one evaluator across replicas: whoever holds the unexpired lease evaluates
create table alert_evaluator_lease (
    id int primary key,
    holder text not null,
    expires_at timestamptz not null
);
