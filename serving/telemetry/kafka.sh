#!/usr/bin/env bash
# Starts, stops and reports a real single-node Kafka (KRaft) on loopback for Slate's billing telemetry
# (docs/operations.md, "Billing telemetry"): tests, demos, and a standalone appliance with no Kafka of its own.
#
#   serving/telemetry/kafka.sh start  [--dir DIR] [--port N] [--controller-port N] [--timeout SECONDS]
#   serving/telemetry/kafka.sh stop   [--dir DIR]
#   serving/telemetry/kafka.sh status [--dir DIR]
#
# Defaults: directory serving/telemetry/target/kafka, port 19092, controller port 19093. The broker runs from the
# org.apache.kafka:kafka_2.13 jars Maven resolves (no download of its own, no container) under setsid; the work is
# done by dev.slate.serving.telemetry.kafka.KafkaBrokerCommand, the same launcher the tests use.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

if [ $# -lt 1 ]; then usage >&2; exit 64; fi
action="$1"; shift
case "$action" in
  start|stop|status) ;;
  -h|--help|help) usage; exit 0 ;;
  *) echo "unknown action: $action" >&2; usage >&2; exit 64 ;;
esac

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$java_bin" >/dev/null 2>&1; then
  echo "kafka.sh: no java found; set JAVA_HOME to a JDK 21 or newer" >&2; exit 1
fi

classes="$here/target/classes"
classpath_file="$here/target/kafka-broker.classpath"
if [ ! -f "$classes/dev/slate/serving/telemetry/kafka/KafkaBrokerCommand.class" ] || [ ! -f "$classpath_file" ]; then
  echo "kafka.sh: building slate-serving-telemetry (resolves the Kafka jars once, about 45 MB)..." >&2
  (cd "$root" && JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v "$java_bin")")")")}" \
     ./mvnw -B -q -pl serving/telemetry -am process-test-resources -DskipTests)
fi

dir="$here/target/kafka"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

exec "$java_bin" -cp "$classes:$(cat "$classpath_file")" dev.slate.serving.telemetry.kafka.KafkaBrokerCommand \
  "$action" --dir "$dir" --classpath-file "$classpath_file" "${args[@]}"
