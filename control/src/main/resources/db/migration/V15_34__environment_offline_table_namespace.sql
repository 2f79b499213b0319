-- An environment may keep its feature log in an Iceberg namespace of its own (docs/environments.md, "Namespaces"):
-- its own feature_log table there. Null: the configured one (slate.offline.table-namespace), shared with the other
-- environments that chose none (each in the partition of its offline_namespace). Chosen at create, never changed.

alter table environments
    add column offline_table_namespace text null,
    add constraint environments_offline_table_namespace_format
        check (offline_table_namespace is null or offline_table_namespace ~ '^[a-z][a-z0-9_-]{0,62}$');
