-- Reverse ETL (POST /v1/materialize, the scheduled run): how far each feature version of an environment has
-- been loaded from the offline store into the online store. `marker` is the offline store's opaque marker
-- (OfflineStore.latestValues); the next run reads only what was appended after it. A row is written only after
-- every value read up to its marker has been accepted by the online store.
create table materialization_marks (
    environment text        not null,
    entity      text        not null,
    feature     text        not null,
    version     text        not null,
    marker      text        not null,
    updated_at  timestamptz not null default now(),
    primary key (environment, entity, feature, version)
);
