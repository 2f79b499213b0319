-- A resolver declared in its own file: the headers say what it resolves and where it runs.
-- resolves: transaction
-- source: appdb
-- name: transaction_by_id
-- timeout: 500ms
SELECT t.id,
       t.user_id,
       t.amount::float8 AS amount,
       t.merchant,
       t.ts
FROM transactions t
WHERE t.id = :id
