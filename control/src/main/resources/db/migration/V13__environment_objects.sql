-- Environments as objects (docs/environments.md): what an operator declares about an environment (description,
-- replicas or autoscaling bounds) and what the Kubernetes reconciler last observed of it (status). Rows created
-- before this migration (by a first deployment) get the defaults below.
--
-- generation is bumped on every change of the declared part; the reconciler records the generation it applied
-- as observed_generation, so "observed_generation = generation" means the cluster has caught up.

alter table environments
    add column description         text        not null default '',
    add column replicas            integer     not null default 1,
    add column max_replicas        integer     null,
    add column created_at          timestamptz not null default now(),
    add column created_by          text        null,
    add column generation          bigint      not null default 1,
    add column observed_generation bigint      null,
    add column ready_replicas      integer     null,
    -- [{"type": "Ready", "status": "True", "reason": "...", "message": "...", "last_transition_time": "..."}]
    add column conditions          jsonb       not null default '[]'::jsonb,
    add column status_updated_at   timestamptz null,
    add constraint environments_description_length check (char_length(description) <= 1000),
    -- the configured bounds (slate.environments.max-replicas) are checked by the application; this is the hard stop
    add constraint environments_replicas_range check (replicas between 0 and 10000),
    add constraint environments_max_replicas_range check (max_replicas is null or (max_replicas >= 1 and max_replicas >= replicas and max_replicas <= 10000)),
    add constraint environments_generation_positive check (generation >= 1);
