-- Metadata plane: environments and the deployments of feature projects into them.
--
-- Lifecycle of a deployment (status):
--   INACTIVE    stored and validated, never active yet (deployed with activate=false)
--   ACTIVE      the deployment an environment serves; at most one per environment
--   SUPERSEDED  was active, then another deployment of the environment was activated
-- Activating a SUPERSEDED or INACTIVE deployment makes it ACTIVE again (rollback).

create table environments (
    name                 text        primary key,
    active_deployment_id uuid        null,
    -- bumped on every activation; replicas publish an environment's active deployment only when
    -- they see a newer revision, so a slow poll can never overwrite a newer activation
    revision             bigint      not null default 0,
    updated_at           timestamptz not null default now(),
    constraint environments_name_format check (name ~ '^[a-z][a-z0-9-]{0,62}$')
);

create table deployments (
    id           uuid        primary key,
    environment  text        not null references environments (name),
    project      text        not null,
    version      integer     not null check (version > 0),
    -- SHA-256 (hex) over the project's files, as computed by the project compiler
    content_hash text        not null,
    -- the project files as deployed: {"slate.yaml": "...", "users.sql": "..."}; secrets only as references
    files        jsonb       not null,
    status       text        not null check (status in ('INACTIVE', 'ACTIVE', 'SUPERSEDED')),
    created_at   timestamptz not null,
    activated_at timestamptz null,
    created_by   text        null,
    constraint deployments_environment_version_key unique (environment, version),
    constraint deployments_environment_content_key unique (environment, content_hash),
    constraint deployments_activated_has_time check (status = 'INACTIVE' or activated_at is not null)
);

-- at most one active deployment per environment
create unique index deployments_one_active_per_environment on deployments (environment) where status = 'ACTIVE';

alter table environments
    add constraint environments_active_deployment_fk foreign key (active_deployment_id) references deployments (id);

insert into environments (name) values ('default');
