-- Offline query jobs that recompute features (docs/offline.md, "Recompute"). Whether an output is
-- recomputed is part of the bound query, kept in `plan` (each output's "recompute" flag), so a job
-- re-queued after a restart recomputes exactly what it was asked to.
--
-- A recomputed value whose resolver failed or timed out, or whose expression could not be evaluated, is
-- null in the dataset; the job still SUCCEEDS, and this column says how many values failed, in how many
-- spine rows, per feature, with the first few cases: {"total": n, "rows": n, "features": [{"feature":
-- "user.x", "count": n, "first": [{"row": 0, "code": "RESOLVER_FAILED", "resolver": "r", "message": "…"}]}]}.
-- Null when nothing failed (and for every job that only reads the feature log).

alter table offline_query_jobs add column feature_errors jsonb null;
