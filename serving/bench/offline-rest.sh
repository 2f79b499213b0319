#!/usr/bin/env bash
# Offline query benchmark through the REST API (docs/benchmarks.md, "Offline query").
#
#   serving/bench/offline-rest.sh [entities=100000] [spine_rows=1000000]
#
# Starts the packaged appliance on a free loopback port with authentication off, its own Iceberg catalog
# and directories under serving/bench/target/offline-rest, runs dev.slate.serving.bench.OfflineQueryRestBenchmark
# (ingest via POST /v1/ingest, then a Parquet spine uploaded to POST /v1/query/offline, followed to
# SUCCEEDED and downloaded), stops the appliance and removes its catalog. Needs PostgreSQL on
# 127.0.0.1:5432 (database test, user postgres) and Redis on 127.0.0.1:6379.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
if [[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
WORK="$ROOT/serving/bench/target/offline-rest"
APP_JAR="$ROOT/appliance/target/quarkus-app/quarkus-run.jar"
if [[ ! -f "$APP_JAR" || ! -f serving/bench/target/cp.txt || "${SLATE_REBUILD:-}" == 1 ]]; then
  ./mvnw -B -q install -DskipTests -pl appliance,serving/bench -am
  ./mvnw -B -q dependency:build-classpath -pl serving/bench -Dmdep.outputFile=target/cp.txt
fi
rm -rf "$WORK"; mkdir -p "$WORK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CATALOG="slate_bench_rest_$(date +%s)"
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx4g -Dslate.embedded=false -Dslate.auth.enabled=false -Dslate.http.port="$PORT" \
  -Dslate.db.name=test -Dslate.db.username=postgres -Dslate.redis.url=redis://127.0.0.1:6379 \
  -Dslate.offline.catalog-name="$CATALOG" -Dslate.offline.warehouse="$WORK/warehouse" -Dslate.offline.jobs-dir="$WORK/jobs" \
  -Dslate.offline.feature-log.spool-dir="$WORK/spool" \
  -jar "$APP_JAR" > "$WORK/appliance.log" 2>&1 &
APP_PID=$!
cleanup() {
  kill "$APP_PID" 2>/dev/null || true
  wait "$APP_PID" 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -d test -c "delete from iceberg_tables where catalog_name = '$CATALOG';
    delete from iceberg_namespace_properties where catalog_name = '$CATALOG';
    delete from slate_offline_write_sequence where sequence_name like '$CATALOG.%';
    delete from offline_query_jobs where runner like '$WORK%';" >/dev/null 2>&1 || true
  rm -rf "$WORK/warehouse" "$WORK/jobs" "$WORK/spool"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx4g -cp "serving/bench/target/classes:$(cat serving/bench/target/cp.txt)" \
  dev.slate.serving.bench.OfflineQueryRestBenchmark "http://127.0.0.1:$PORT" "${1:-100000}" "${2:-1000000}" "$WORK"
