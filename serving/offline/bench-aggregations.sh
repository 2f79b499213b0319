#!/usr/bin/env bash
# Offline aggregation benchmark (issue 8, docs/benchmarks.md "Aggregations (issue 8)"): Slate's offline query of
# user.txn_count[1h], [1d], [7d] and user.spend[30d] for a Parquet spine over transactions in the Iceberg offline
# store, next to a hand-written DuckDB query with the same window rule, in one run; the results must agree.
# Usage: serving/offline/bench-aggregations.sh [related_rows=10000000] [spine_rows=100000] [users=related_rows/1000] [runs=3]
# The Iceberg catalog and the job tables live in an embedded PostgreSQL started for the run (storage/test-servers;
# SLATE_TEST_SERVERS=local uses the machine's on 5432, SLATE_TEST_JDBC_URL / _USER another). Heap: SLATE_BENCH_HEAP (8g).
# Builds serving/offline and what it needs (test classes included) without installing anything.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
./mvnw -B -q test-compile dependency:build-classpath -pl serving/offline -am -Dmdep.outputFile=target/cp.txt
cd serving/offline
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx${SLATE_BENCH_HEAP:-8g} -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
  dev.slate.serving.offline.OfflineAggregationBenchmark "$@"
