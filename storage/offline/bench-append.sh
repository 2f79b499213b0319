#!/usr/bin/env bash
# Feature-log append benchmark (issue 3, docs/benchmarks.md "Feature log"): the offline store's appends as the
# feature log's shipper makes them, batches of VALUES values over FEATURES features; reports values/s and the
# CPU each batch costs (process CPU, DuckDB's native threads included).
# Usage: storage/offline/bench-append.sh [batches=20] [values=100000] [features=100]
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
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx4g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
  dev.slate.storage.offline.FeatureLogAppendBenchmark "${1:-20}" "${2:-100000}" "${3:-100}"
