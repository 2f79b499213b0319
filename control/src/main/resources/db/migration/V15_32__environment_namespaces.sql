-- Namespaces chosen per environment (docs/environments.md, "Namespaces"): where an environment's values live
-- in the online store (the namespace part of its Redis keys, optionally in a Redis logical database of its
-- own) and in the offline store (the namespace partition of the feature log). Chosen at create, never
-- changed. Null means the default, the environment's name (what every environment used before, and what an
-- environment created by a first deployment uses).
--
-- No two environments share a namespace: each of the two effective namespaces is unique across environments,
-- whatever database an environment's online values live in.

alter table environments
    add column online_namespace  text    null,
    add column online_database   integer null,
    add column offline_namespace text    null,
    add constraint environments_online_namespace_format check (online_namespace is null or online_namespace ~ '^[a-z][a-z0-9_-]{0,62}$'),
    add constraint environments_offline_namespace_format check (offline_namespace is null or offline_namespace ~ '^[a-z][a-z0-9_-]{0,62}$'),
    add constraint environments_online_database_range check (online_database is null or online_database between 0 and 1023);

create unique index environments_online_namespace_unique on environments ((coalesce(online_namespace, name)));
create unique index environments_offline_namespace_unique on environments ((coalesce(offline_namespace, name)));
