#!/usr/bin/env bash
# Offline query benchmark (issue 3, docs/benchmarks.md "Offline query"): Slate's point-in-time export of
# 10 features from a Parquet spine to a Parquet result, next to a hand-written DuckDB ASOF JOIN.
# Usage: storage/offline/bench-export.sh [entities=100000] [spine_rows=1000000] [runs=3]
# Needs PostgreSQL on 127.0.0.1:5432 (database test, user postgres; SLATE_TEST_JDBC_URL / _USER override).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
./mvnw -B -q install -DskipTests -pl storage/offline -am
./mvnw -B -q test-compile dependency:build-classpath -pl storage/offline -Dmdep.outputFile=target/cp.txt
cd storage/offline
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx6g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
  dev.slate.storage.offline.OfflineExportBenchmark "${1:-100000}" "${2:-1000000}" "${3:-3}"
