#!/usr/bin/env bash
# Slate aggregation benchmark of issue 8 (docs/benchmarks.md, "Aggregations (issue 8)").
#
#   serving/bench/aggregations.sh [--rebuild] [--auth] [--url URL] [options]
#
# The same start-up as serving/bench/run.sh (JDK, build, the packaged appliance on a free loopback port against the
# local PostgreSQL and Redis, optionally Keycloak with --auth), then dev.slate.serving.bench.AggregationBenchmark:
# seeds slate_bench.agg_transactions (20 users x 10,000 transactions in the last 30 days), recreates the
# environments aggpush and aggmat, deploys the pushdown and materialized projects, ingests the transactions and
# backfills the buckets, checks every answer against hand-written SQL, then measures at 200 req/s (open loop):
# Slate materialized, the raw Redis bucket reads, Slate pushdown and the hand-written SQL statement. Leaves
#   serving/bench/target/aggregation-results.json   the results
#   serving/bench/target/appliance.log              the appliance's log
# Options (see --help): --quick, --users N, --rows-per-user N, --rate N, --warmup S, --duration S, --skip-setup.
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh" --aggregations "$@"
