#!/usr/bin/env bash
# Slate serving benchmark (docs/benchmarks.md).
#
#   serving/bench/run.sh [--rebuild] [benchmark options]
#
# Picks a JDK (Temurin 25 when present, else JAVA_HOME, else java on the PATH; 25 or newer),
# builds what is missing, starts the packaged appliance on a free loopback port against the local
# PostgreSQL and Redis, runs dev.slate.serving.bench.ServingBenchmark, stops the appliance and leaves
#   serving/bench/target/bench-results.json   the results
#   serving/bench/target/appliance.log        the appliance's log
#   serving/bench/target/floor.log            the floor server's output
#
# Benchmark options are passed through (see --help), e.g. --quick, --scenario a, --rate-b 20.
# With --auth the script starts a real Keycloak (auth/keycloak.sh, port 18090, data in
# serving/bench/target/keycloak) and measures with authentication on, as in the default configuration:
# the appliance verifies a bearer token of the demo administrator on every request.
# With --url URL the script uses an appliance that is already running and starts none; with
# --baseline-only it measures only the raw Redis/PostgreSQL baselines.
# The script also starts the floor server (dev.slate.serving.bench.FloorServer, a minimal Vert.x HTTP feature
# server over the same Redis hashes; docs/benchmarks.md, "The floor") as a separate JVM with the
# appliance's JVM options, on a free loopback port, measured in scenarios a and b next to Slate;
# --no-floor leaves it out (log: serving/bench/target/floor.log).
# With --aggregations the script runs the aggregation benchmark of issue 8 instead
# (dev.slate.serving.bench.AggregationBenchmark, no floor server; results in
# serving/bench/target/aggregation-results.json; serving/bench/aggregations.sh is the short form).
#
# Environment: SLATE_BENCH_PG_HOST/PORT/DB/USER (default 127.0.0.1, 5432, test, postgres),
# SLATE_BENCH_TOKEN and SLATE_BENCH_ISSUER (measure with authentication: a bearer token and its realm;
# without a token the appliance runs with authentication off),
# SLATE_BENCH_REDIS_URL (default redis://127.0.0.1:6379), SLATE_BENCH_APPLIANCE_OPTS (extra JVM
# options for the appliance), SLATE_BENCH_GENERATOR_OPTS (extra JVM options for the generator).
set -euo pipefail

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
ROOT="$(cd "$(dirname "$SCRIPT")/../.." && pwd)"
cd "$ROOT"

PG_HOST="${SLATE_BENCH_PG_HOST:-127.0.0.1}"
PG_PORT="${SLATE_BENCH_PG_PORT:-5432}"
PG_DB="${SLATE_BENCH_PG_DB:-test}"
PG_USER="${SLATE_BENCH_PG_USER:-postgres}"
REDIS_URL="${SLATE_BENCH_REDIS_URL:-redis://127.0.0.1:6379}"
TARGET_DIR="$ROOT/serving/bench/target"
APP_JAR="$ROOT/appliance/target/quarkus-app/quarkus-run.jar"
BENCH_JAR="$ROOT/serving/bench/target/slate-serving-bench-0.1.0-SNAPSHOT.jar"
APP_LOG="$TARGET_DIR/appliance.log"
FLOOR_LOG="$TARGET_DIR/floor.log"

rebuild=false
with_auth=false
help=false
start_appliance=true
start_floor=true
aggregations=false
main_class=dev.slate.serving.bench.ServingBenchmark
results_file=bench-results.json
bench_args=()
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    --auth) with_auth=true ;;
    --no-floor) start_floor=false ;;
    --aggregations)
      start_floor=false
      aggregations=true
      main_class=dev.slate.serving.bench.AggregationBenchmark
      results_file=aggregation-results.json ;;
    --floor-url|--floor-url=*) start_floor=false; bench_args+=("$arg") ;;
    --baseline-only) start_appliance=false; bench_args+=("$arg") ;;
    --url|--url=*) start_appliance=false; bench_args+=("$arg") ;;
    --help|-h) help=true ;;
    *) bench_args+=("$arg") ;;
  esac
done

log() { printf '[run.sh] %s\n' "$*"; }

# ---- JDK: Temurin 25 when present, else JAVA_HOME, else java on the PATH (25 or newer)
pick_java() {
  local candidate
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/temurin-25-jdk; do
    if [[ -x "$candidate/bin/java" ]]; then
      export JAVA_HOME="$candidate"
      return
    fi
  done
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    return
  fi
  if command -v java >/dev/null 2>&1; then
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    export JAVA_HOME
    return
  fi
  echo "run.sh: no JDK found; install a JDK 25 or newer (Temurin 25) or set JAVA_HOME" >&2
  exit 1
}
pick_java
JAVA="$JAVA_HOME/bin/java"
java_major="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
if [[ -z "$java_major" || "$java_major" -lt 25 ]]; then
  echo "run.sh: $JAVA is Java ${java_major:-?}; Slate needs 25 or newer" >&2
  exit 1
fi
log "JDK: $JAVA_HOME (Java $java_major)"

if $help; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$SCRIPT"
  if [[ -f "$BENCH_JAR" ]]; then
    echo
    "$JAVA" -cp "$BENCH_JAR" "$main_class" --help
  fi
  exit 0
fi

# ---- Build what is missing
if $rebuild || [[ ! -f "$BENCH_JAR" ]] || { $start_appliance && [[ ! -f "$APP_JAR" ]]; }; then
  log "building (./mvnw -B -q -DskipTests install) ..."
  ./mvnw -B -q -DskipTests install
fi
[[ -f "$BENCH_JAR" ]] || { echo "run.sh: $BENCH_JAR was not built" >&2; exit 1; }
mkdir -p "$TARGET_DIR"

# ---- The machine: both processes share it (no pinning: with 2 cores there is nothing to spare)
cores="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')"
load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
log "machine: $cores cores, load average $load; the load generator and the appliance share these cores"
if [[ "$load" != "?" ]] && awk -v l="$load" 'BEGIN { exit !(l > 1.0) }'; then
  log "WARNING: the machine is busy (load $load): other work competes with the benchmark and its numbers"
fi

http_status() { # http_status PORT PATH -> prints the HTTP status code, or nothing
  local port="$1" path="$2" line
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
  IFS=' ' read -r -t 5 _ line _ <&3 || true
  exec 3<&- 3>&-
  printf '%s' "$line"
}

wait_ready() { # wait_ready WHAT PID PORT PATH LOG TRIES: until GET PATH answers 200, 0.25 s per try; exits on failure
  local what="$1" pid="$2" port="$3" path="$4" logfile="$5" tries="$6"
  for _ in $(seq 1 "$tries"); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run.sh: $what exited during startup; last lines of $logfile:" >&2
      tail -n 30 "$logfile" >&2
      exit 1
    fi
    if [[ "$(http_status "$port" "$path")" == "200" ]]; then
      return 0
    fi
    sleep 0.25
  done
  echo "run.sh: $what is not ready after $((tries / 4)) s; last lines of $logfile:" >&2
  tail -n 30 "$logfile" >&2
  exit 1
}

free_port() {
  local port
  for port in $(seq 18080 18199); do
    if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      echo "$port"
      return
    fi
    exec 3<&- 3>&-
  done
  echo "run.sh: no free port in 18080-18199" >&2
  exit 1
}

# ---- Authentication (docs/security.md): with SLATE_BENCH_TOKEN, an access token of the realm SLATE_BENCH_ISSUER
#      (default http://127.0.0.1:18080/realms/slate) with the deploy and query.online permissions, the appliance
#      verifies it on every request as in production and the generator sends it; without, the appliance runs with
#      authentication off (slate.auth.enabled=false).
KC_PORT=18090
KC_DATA="$TARGET_DIR/keycloak"
stop_keycloak() { :; }
if $with_auth && [[ -z "${SLATE_BENCH_TOKEN:-}" ]]; then
  log "starting Keycloak on 127.0.0.1:$KC_PORT (data: $KC_DATA)"
  auth/keycloak.sh start --port "$KC_PORT" --data "$KC_DATA" --replace >"$TARGET_DIR/keycloak.log" 2>&1 \
    || { tail -n 20 "$TARGET_DIR/keycloak.log" >&2; exit 1; }
  stop_keycloak() { auth/keycloak.sh stop --data "$KC_DATA" >/dev/null 2>&1 || true; }
  # a full run takes longer than the realm's 5-minute tokens: give this benchmark realm 1-hour tokens
  kc_admin_user="$(sed -n 's/^admin\.username=//p' "$KC_DATA/credentials.properties")"
  kc_admin_password="$(sed -n 's/^admin\.password=//p' "$KC_DATA/credentials.properties")"
  kc_admin_token="$(curl -fsS "http://127.0.0.1:$KC_PORT/realms/master/protocol/openid-connect/token" \
      --data-urlencode grant_type=password --data-urlencode client_id=admin-cli \
      --data-urlencode "username=$kc_admin_user" --data-urlencode "password=$kc_admin_password" \
    | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
  curl -fsS -X PUT "http://127.0.0.1:$KC_PORT/admin/realms/slate" -H "Authorization: Bearer $kc_admin_token" \
      -H 'Content-Type: application/json' --data '{"accessTokenLifespan": 3600}' \
    || { echo "run.sh: could not set the benchmark realm's token lifespan" >&2; stop_keycloak; exit 1; }
  unset kc_admin_user kc_admin_password kc_admin_token
  password="$(sed -n 's/^demo\.user\.password=//p' "$KC_DATA/credentials.properties")"
  SLATE_BENCH_ISSUER="http://127.0.0.1:$KC_PORT/realms/slate"
  SLATE_BENCH_TOKEN="$(curl -fsS "$SLATE_BENCH_ISSUER/protocol/openid-connect/token" \
      --data-urlencode grant_type=password --data-urlencode client_id=slate-cli \
      --data-urlencode username=alice --data-urlencode "password=$password" \
    | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
  unset password
  [[ -n "$SLATE_BENCH_TOKEN" ]] || { echo "run.sh: could not obtain a token from Keycloak" >&2; stop_keycloak; exit 1; }
  export SLATE_BENCH_TOKEN SLATE_BENCH_ISSUER
  log "authentication on: token of the demo administrator (lifespan 1 h)"
fi
if [[ -n "${SLATE_BENCH_TOKEN:-}" ]]; then
  AUTH_OPTS=(-Dslate.auth.issuer="${SLATE_BENCH_ISSUER:-http://127.0.0.1:18080/realms/slate}")
else
  AUTH_OPTS=(-Dslate.auth.enabled=false)
fi

APP_PID=""
FLOOR_PID=""
stop_process() { # stop_process WHAT PID TRIES: TERM, up to TRIES x 0.2 s, then KILL
  local what="$1" pid="$2" tries="$3"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    log "stopping $what (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 "$tries"); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
stop_appliance() {
  stop_process "the floor server" "$FLOOR_PID" 25
  stop_process "the appliance" "$APP_PID" 50
  stop_keycloak
}
trap stop_appliance EXIT
trap 'exit 130' INT TERM

# The aggregation benchmark ingests into and backfills from the offline store: its appliance gets an offline store of
# its own (catalog slate_aggbench, warehouse, jobs and feature-log spool under target/aggregations-offline), so that
# another appliance on the machine (default directories under ~/.slate) neither shares its spool nor its table.
OFFLINE_OPTS=()
if $aggregations; then
  OFFLINE_DIR="$TARGET_DIR/aggregations-offline"
  mkdir -p "$OFFLINE_DIR"
  OFFLINE_OPTS=(-Dslate.offline.catalog-name=slate_aggbench -Dslate.offline.warehouse="$OFFLINE_DIR/warehouse"
    -Dslate.offline.jobs-dir="$OFFLINE_DIR/jobs" -Dslate.offline.feature-log.spool-dir="$OFFLINE_DIR/spool")
fi

if $start_appliance; then
  [[ -f "$APP_JAR" ]] || { echo "run.sh: $APP_JAR was not built" >&2; exit 1; }
  PORT="$(free_port)"
  log "starting the appliance on 127.0.0.1:$PORT (log: $APP_LOG)"
  # shellcheck disable=SC2086
  "$JAVA" --enable-native-access=ALL-UNNAMED ${SLATE_BENCH_APPLIANCE_OPTS:-} "${AUTH_OPTS[@]}" ${OFFLINE_OPTS[@]+"${OFFLINE_OPTS[@]}"} \
    -Dslate.embedded=false \
    -Dslate.http.host=127.0.0.1 -Dslate.http.port="$PORT" \
    -Dslate.db.host="$PG_HOST" -Dslate.db.port="$PG_PORT" -Dslate.db.name="$PG_DB" -Dslate.db.username="$PG_USER" \
    -Dslate.redis.url="$REDIS_URL" \
    -Dslate.secret.bench_db_url="postgresql://$PG_HOST:$PG_PORT/$PG_DB" \
    -Dslate.secret.bench_db_user="$PG_USER" \
    -jar "$APP_JAR" >"$APP_LOG" 2>&1 &
  APP_PID=$!
  wait_ready "the appliance" "$APP_PID" "$PORT" /q/health/ready "$APP_LOG" 240
  log "appliance ready"
  bench_args=(--url "http://127.0.0.1:$PORT" "${bench_args[@]}")
fi

# ---- The floor server: started after the appliance listens, so that the two cannot pick the same port
if $start_floor; then
  FLOOR_PORT="$(free_port)"
  log "starting the floor server on 127.0.0.1:$FLOOR_PORT (log: $FLOOR_LOG)"
  # shellcheck disable=SC2086
  "$JAVA" --enable-native-access=ALL-UNNAMED ${SLATE_BENCH_APPLIANCE_OPTS:-} -cp "$BENCH_JAR" dev.slate.serving.bench.FloorServer \
    --port "$FLOOR_PORT" --redis "$REDIS_URL" >"$FLOOR_LOG" 2>&1 &
  FLOOR_PID=$!
  wait_ready "the floor server" "$FLOOR_PID" "$FLOOR_PORT" /health "$FLOOR_LOG" 80
  log "floor server ready"
  bench_args=(--floor-url "http://127.0.0.1:$FLOOR_PORT" "${bench_args[@]}")
fi

set +e
# shellcheck disable=SC2086
"$JAVA" -Xms256m -Xmx512m ${SLATE_BENCH_GENERATOR_OPTS:-} -cp "$BENCH_JAR" "$main_class" \
  --pg-host "$PG_HOST" --pg-port "$PG_PORT" --pg-database "$PG_DB" --pg-user "$PG_USER" --redis "$REDIS_URL" \
  --output "$TARGET_DIR/$results_file" "${bench_args[@]}"
status=$?
set -e
exit "$status"
