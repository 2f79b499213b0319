-- Branches of an environment (docs/environments.md, "Branches"): a named pointer to one deployment of the
-- environment that serves only requests naming the branch (header X-Slate-Branch). The environment's main active
-- deployment (environments.active_deployment_id) is never changed by a branch. revision grows with every change,
-- so replicas publish a branch only when they see a newer state (as for environments).

create table branches (
    environment   text        not null references environments (name) on delete cascade,
    name          text        not null,
    deployment_id uuid        not null references deployments (id) on delete cascade,
    role          text        null,
    revision      bigint      not null default 1,
    created_at    timestamptz not null,
    created_by    text        null,
    updated_at    timestamptz not null,
    primary key (environment, name),
    constraint branches_name_format check (name ~ '^[a-z][a-z0-9-]{0,62}$'),
    constraint branches_role_format check (role is null or role ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$')
);
