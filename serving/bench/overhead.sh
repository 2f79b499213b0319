#!/usr/bin/env bash
# Overhead of telemetry, feature-value statistics and OpenTelemetry tracing on the serving benchmark
# (docs/benchmarks.md, "Observability overhead").
#
#   serving/bench/overhead.sh [--rounds N] [--with-stats-only] [benchmark options, e.g. --quick --scenario a]
#
# Runs serving/bench/run.sh against an appliance this script starts itself, once with everything off and once with
# everything on, N times alternating (default 1), and prints per run the appliance's CPU time per completed request
# (utime + stime from /proc/PID/stat over the benchmark, warm-up included, divided by the requests the generator
# completed) and each measured run's p50, side by side.
#   off: quarkus.otel.sdk.disabled=true, slate.monitoring.enabled=false, slate.telemetry.enabled=false
#   on:  OpenTelemetry on, exporting OTLP/HTTP to a local sink (a python3 HTTP server answering 200 on loopback),
#        statistics on, billing telemetry on (no Kafka: the outbox in PostgreSQL)
#   stats (with --with-stats-only, run between the two): statistics and billing telemetry on, OpenTelemetry off
#        (OpenTelemetry is off by default; this is the default configuration with monitoring on)
# Per-query traces (slate.traces.*) stay at their default (on) in both: they are part of the serving path.
# Leaves serving/bench/target/overhead-{off,on}-R.json (the generator's results) and overhead-*.log.
# Environment: as run.sh (SLATE_BENCH_PG_*, SLATE_BENCH_REDIS_URL, SLATE_BENCH_APPLIANCE_OPTS).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET_DIR="$ROOT/serving/bench/target"
APP_JAR="$ROOT/appliance/target/quarkus-app/quarkus-run.jar"
PG_HOST="${SLATE_BENCH_PG_HOST:-127.0.0.1}"
PG_PORT="${SLATE_BENCH_PG_PORT:-5432}"
PG_DB="${SLATE_BENCH_PG_DB:-test}"
PG_USER="${SLATE_BENCH_PG_USER:-postgres}"
REDIS_URL="${SLATE_BENCH_REDIS_URL:-redis://127.0.0.1:6379}"

rounds=1
modes=(off on)
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --rounds=*) rounds="${1#--rounds=}"; shift ;;
    --with-stats-only) modes=(off stats on); shift ;;
    --help|-h) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

log() { printf '[overhead.sh] %s\n' "$*"; }
for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 "${JAVA_HOME:-}"; do
  if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then JAVA="$candidate/bin/java"; break; fi
done
JAVA="${JAVA:-java}"
[[ -f "$APP_JAR" ]] || { echo "overhead.sh: $APP_JAR is missing: build with serving/bench/run.sh --rebuild first" >&2; exit 1; }
command -v python3 >/dev/null || { echo "overhead.sh: python3 is needed for the OTLP sink and the summary" >&2; exit 1; }
mkdir -p "$TARGET_DIR"
TICKS="$(getconf CLK_TCK)"

free_port() { # free_port [FIRST]: the first free loopback port from FIRST (default 18200) to 18299
  local port
  for port in $(seq "${1:-18200}" 18299); do
    if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then echo "$port"; return; fi
    exec 3<&- 3>&-
  done
  echo "overhead.sh: no free port in 18200-18299" >&2; exit 1
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

APP_PID=""
SINK_PID=""
stop_all() {
  for pid in "$APP_PID" "$SINK_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  APP_PID=""
  SINK_PID=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

one_run() { # one_run MODE ROUND
  local mode="$1" round="$2" port opts=() before after
  port="$(free_port)"
  if [[ "$mode" == on ]]; then
    local sink_port
    # the appliance does not listen yet, so its port must be skipped explicitly
    sink_port="$(free_port $((port + 1)))"
    python3 - "$sink_port" >"$TARGET_DIR/overhead-sink.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
    def log_message(self, *a): pass
HTTPServer(('127.0.0.1', int(sys.argv[1])), Sink).serve_forever()
PY
    SINK_PID=$!
    opts=(-Dquarkus.otel.sdk.disabled=false -Dquarkus.otel.exporter.otlp.traces.protocol=http/protobuf
          -Dquarkus.otel.exporter.otlp.traces.endpoint="http://127.0.0.1:$sink_port"
          -Dslate.monitoring.enabled=true -Dslate.telemetry.enabled=true)
  elif [[ "$mode" == stats ]]; then
    opts=(-Dquarkus.otel.sdk.disabled=true -Dslate.monitoring.enabled=true -Dslate.telemetry.enabled=true)
  else
    opts=(-Dquarkus.otel.sdk.disabled=true -Dslate.monitoring.enabled=false -Dslate.telemetry.enabled=false)
  fi
  log "round $round, $mode: starting the appliance on 127.0.0.1:$port"
  # shellcheck disable=SC2086
  "$JAVA" --enable-native-access=ALL-UNNAMED ${SLATE_BENCH_APPLIANCE_OPTS:-} -Dslate.auth.enabled=false \
    "${opts[@]}" -Dslate.embedded=false -Dslate.http.host=127.0.0.1 -Dslate.http.port="$port" \
    -Dslate.db.host="$PG_HOST" -Dslate.db.port="$PG_PORT" -Dslate.db.name="$PG_DB" -Dslate.db.username="$PG_USER" \
    -Dslate.redis.url="$REDIS_URL" \
    -Dslate.secret.bench_db_url="postgresql://$PG_HOST:$PG_PORT/$PG_DB" -Dslate.secret.bench_db_user="$PG_USER" \
    -jar "$APP_JAR" >"$TARGET_DIR/overhead-$mode-$round.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 480); do
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$TARGET_DIR/overhead-$mode-$round.log" >&2; exit 1; }
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/ready" 2>/dev/null; then break; fi
    sleep 0.25
  done
  before="$(cpu_ticks "$APP_PID")"
  serving/bench/run.sh --no-floor --url "http://127.0.0.1:$port" "${args[@]}"
  after="$(cpu_ticks "$APP_PID")"
  cp "$TARGET_DIR/bench-results.json" "$TARGET_DIR/overhead-$mode-$round.json"
  echo "$mode $round $((after - before)) $(cut -d' ' -f1 /proc/loadavg)" >>"$TARGET_DIR/overhead-cpu.txt"
  stop_all
}

rm -f "$TARGET_DIR/overhead-cpu.txt"
log "machine: $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  for mode in "${modes[@]}"; do
    one_run "$mode" "$round"
  done
done

python3 - "$TARGET_DIR" "$TICKS" <<'PY'
import json, sys, os
target, ticks = sys.argv[1], int(sys.argv[2])
rows = [l.split() for l in open(os.path.join(target, 'overhead-cpu.txt'))]
def runs(node, out):
    if isinstance(node, dict):
        if 'completed' in node and 'latency_ms' in node:
            out.append(node)
        for v in node.values():
            runs(v, out)
    elif isinstance(node, list):
        for v in node:
            runs(v, out)
    return out
print()
print('%-5s %-5s %-12s %-10s %-16s %s' % ('mode', 'round', 'cpu s', 'requests', 'cpu us/request', 'load at end'))
table = {}
for mode, rnd, cpu, load in rows:
    res = json.load(open(os.path.join(target, 'overhead-%s-%s.json' % (mode, rnd))))
    rs = runs(res, [])
    done = sum(r['completed'] for r in rs)
    secs = int(cpu) / ticks
    print('%-5s %-5s %-12.2f %-10d %-16.1f %s' % (mode, rnd, secs, done, 1e6 * secs / max(done, 1), load))
    for r in rs:
        table.setdefault((r['operation'], r.get('mode'), r.get('target_rate'), r.get('concurrency')), {}) \
            .setdefault(mode, []).append(r['latency_ms']['p50'])
print()
print('p50 (ms) per measured run, by mode:')
for key, by in table.items():
    print('  %-60s %s' % (' '.join(str(k) for k in key if k is not None),
                          '  '.join('%s %s' % (m, by[m]) for m in ('off', 'stats', 'on') if m in by)))
PY
