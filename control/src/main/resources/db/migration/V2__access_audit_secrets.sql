-- Identity and access (docs/security.md): role bindings per environment, the audit log and the
-- encrypted secret store.

-- A subject (user:NAME or client:NAME) holds a role in one environment. Bindings may name an
-- environment before anything is deployed to it, so there is no foreign key to environments.
create table role_bindings (
    subject     text        not null,
    environment text        not null,
    role        text        not null,
    created_at  timestamptz not null default now(),
    created_by  text        null,
    primary key (subject, environment, role),
    constraint role_bindings_subject_format check (subject ~ '^(user|client):[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}$'),
    constraint role_bindings_environment_format check (environment ~ '^[a-z][a-z0-9-]{0,62}$'),
    constraint role_bindings_role_format check (role ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$')
);

-- Append-only: the application inserts and reads; a trigger refuses every update, delete and truncate,
-- so not even a bug (or an attacker holding the application's connection) can rewrite history.
create table audit_log (
    id             bigserial   primary key,
    at             timestamptz not null,
    subject        text        not null,           -- user:NAME, client:NAME or anonymous
    action         text        not null,           -- deployment.create, access.binding.put, query.online, ...
    method         text        not null,
    path           text        not null,
    environment    text        null,
    outcome        text        not null,           -- OK, FAILED, DENIED, WITHHELD
    status         integer     not null,           -- the HTTP status answered
    remote_address text        null,
    request_id     text        null,
    query_id       text        null,
    target         text        null,               -- what was acted on: a deployment id, a binding, a secret name
    detail         text        null                -- why (for denials: the authorizer's reason); never a secret
);

create index audit_log_at on audit_log (at);
create index audit_log_subject_at on audit_log (subject, at);
create index audit_log_action_at on audit_log (action, at);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_no_update_or_delete before update or delete on audit_log
    for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only();

-- Values of secret references (secret:NAME), encrypted with AES-256-GCM. key_id names the key that encrypted the row (so
-- keys can rotate); the name is authenticated data, so a ciphertext cannot be moved to another name.
create table secrets (
    name       text        primary key,
    key_id     text        not null,
    nonce      bytea       not null,
    ciphertext bytea       not null,
    updated_at timestamptz not null,
    updated_by text        null,
    constraint secrets_name_format check (name ~ '^[A-Za-z_][A-Za-z0-9_.-]{0,127}$')
);
