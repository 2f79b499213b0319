-- Offline (point-in-time) query jobs (docs/offline.md). The spine and result files live on the disk of the
-- appliance that runs the job (`runner`, its jobs directory); this table is the job's record, kept across
-- restarts: at start, an appliance re-queues its QUEUED and RUNNING jobs whose spine file is still there
-- and fails the others with a reason, so a job never silently disappears.
--
-- Lifecycle (status): QUEUED -> RUNNING -> SUCCEEDED | FAILED; QUEUED or RUNNING -> CANCELLED.

create table offline_query_jobs (
    id            text             primary key,
    environment   text             not null,
    dataset_name  text             null,
    status        text             not null check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    -- the deployment whose feature versions the job reads, and the bound query (keys, outputs, slots)
    deployment_id text             not null,
    plan          jsonb            not null,
    spine_rows    bigint           not null check (spine_rows >= 0),
    stage         text             not null,
    fraction      double precision not null default 0,
    result_rows   bigint           null,
    result_bytes  bigint           null,
    error         text             null,
    -- what happened to the job besides its status, oldest first: e.g. a re-queue after a restart
    notes         jsonb            not null default '[]'::jsonb,
    attempts      integer          not null default 0,
    runner        text             not null,
    created_at    timestamptz      not null,
    started_at    timestamptz      null,
    finished_at   timestamptz      null,
    updated_at    timestamptz      not null
);

create index offline_query_jobs_active on offline_query_jobs (runner, created_at) where status in ('QUEUED', 'RUNNING');
create index offline_query_jobs_environment on offline_query_jobs (environment, created_at);
