#!/usr/bin/env bash
# Billing telemetry with the Kafka broker down under load (docs/benchmarks.md, "Telemetry with the broker down
# (issue 11)").
#
#   serving/bench/telemetry-outage.sh [--up S] [--outage S] [--back S] [--warmup S] [--first-warmup S]
#                                     [--scenario a-open|c] [--rate N] [--period DURATION] [--max-backlog N]
#                                     [--drain-timeout S]
#
# Starts a real single-node Kafka (serving/telemetry/kafka.sh) and the packaged appliance with billing telemetry
# exported to it, then drives the serving load generator (open loop, Slate only) through three phases:
#   up      broker running                                        (--up, default 60 s measured)
#   down    broker stopped (kafka.sh stop) for the whole window    (--outage, default 180 s measured)
#   back    broker started again a moment after the run began     (--back, default 90 s measured)
# Each run warms up for --warmup (5 s) before its measured window; the first, on a fresh appliance JVM, for
# --first-warmup (30 s), so that the up phase is not measured while the JIT compiles. Then the script
# waits until every outbox record of the run is marked shipped (--drain-timeout, default 300 s) and runs the
# consumer dev.slate.serving.telemetry.UsageTopicAudit: it reads slate.usage.v1 from the beginning, counts record ids
# against the outbox rows of this run's node, and checks that the records' queries add up to the queries the
# appliance answered (slate_query_duration_seconds_count). Every 5 s a sampler records the outbox backlog (the
# slate_usage_outbox_backlog gauge and SQL on usage_outbox), shipped/failed/dropped counters and the load average.
#
# Defaults: scenario a-open at 400 req/s (c: 150 req/s), usage period 1s (the product default is 10s; a short period
# makes many more records, so the outage leaves a larger backlog to account for). --max-backlog N sets a small outbox
# bound: the run then also registers an alert channel (a local webhook sink) for the outage environment, evaluates
# alerts every 5 s, and reports the built-in alert builtin.usage-outbox-full; records over the bound are dropped by
# design, so the audit then checks only that everything the outbox held was delivered.
#
# Leaves serving/bench/target/telemetry-outage/: phase-{up,down,back}.json (generator results), samples.tsv,
# audit.json, summary.txt, appliance.log, kafka/ (broker data and log), alerts.json (with --max-backlog).
# Exit status: 0 when nothing was lost and every generator run was clean; 1 on loss; 3 when a generator run counted
# errors; 2 for a bad command line or a failed setup.
# Environment: as run.sh (SLATE_BENCH_PG_*, SLATE_BENCH_REDIS_URL, SLATE_BENCH_APPLIANCE_OPTS).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/serving/bench/target/telemetry-outage"
APP_JAR="$ROOT/appliance/target/quarkus-app/quarkus-run.jar"
BENCH_JAR="$ROOT/serving/bench/target/slate-serving-bench-0.1.0-SNAPSHOT.jar"
TELEMETRY="$ROOT/serving/telemetry/target"
PG_HOST="${SLATE_BENCH_PG_HOST:-127.0.0.1}"
PG_PORT="${SLATE_BENCH_PG_PORT:-5432}"
PG_DB="${SLATE_BENCH_PG_DB:-test}"
PG_USER="${SLATE_BENCH_PG_USER:-postgres}"
REDIS_URL="${SLATE_BENCH_REDIS_URL:-redis://127.0.0.1:6379}"
# an environment of its own: its deployment and its cache entries (slate:outage:…) are not touched by a serving
# benchmark that runs at the same time against the same PostgreSQL and Redis (environment bench)
ENVIRONMENT=outage
TOPIC=slate.usage.v1

up=60
outage=180
back=90
warmup=5
first_warmup=30
scenario=a-open
rate=""
period=1s
max_backlog=""
drain_timeout=300
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --up) up="$2"; shift 2 ;;
    --outage) outage="$2"; shift 2 ;;
    --back) back="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --first-warmup) first_warmup="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --period) period="$2"; shift 2 ;;
    --max-backlog) max_backlog="$2"; shift 2 ;;
    --drain-timeout) drain_timeout="$2"; shift 2 ;;
    --help|-h) usage; exit 0 ;;
    *) echo "telemetry-outage.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$scenario" in
  a-open) rate_option=--rate-a; rate="${rate:-400}" ;;
  c) rate_option=--rate-c; rate="${rate:-150}" ;;
  *) echo "telemetry-outage.sh: --scenario is a-open or c" >&2; exit 2 ;;
esac
for n in "$up" "$outage" "$back" "$warmup" "$first_warmup" "$rate" "$drain_timeout" ${max_backlog:+"$max_backlog"}; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "telemetry-outage.sh: '$n' is not a whole number" >&2; exit 2; }
done
[[ "$period" =~ ^[0-9]+s$ ]] || { echo "telemetry-outage.sh: --period is a whole number of seconds, e.g. 1s" >&2; exit 2; }
period_s="${period%s}"

log() { printf '[telemetry-outage.sh %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 "${JAVA_HOME:-}"; do
  if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then export JAVA_HOME="$candidate"; break; fi
done
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
for tool in python3 curl psql; do
  command -v "$tool" >/dev/null || { echo "telemetry-outage.sh: $tool is needed" >&2; exit 2; }
done

# ---- Build what is missing (package only: nothing is installed into ~/.m2)
if [[ ! -f "$APP_JAR" || ! -f "$BENCH_JAR" || ! -f "$TELEMETRY/test-classes/dev/slate/serving/telemetry/UsageTopicAudit.class" \
      || ! -f "$TELEMETRY/kafka-broker.classpath" ]]; then
  log "building the appliance, the generator and the telemetry module (./mvnw package -DskipTests) ..."
  ./mvnw -B -q -pl appliance,serving/bench,serving/telemetry -am -DskipTests package
fi

rm -rf "$OUT"
mkdir -p "$OUT"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)"
NODE="outage-$RUN_ID"
psql_q() { psql -X -q -A -t -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c "$1"; }

free_port() { # free_port FROM TO
  local port
  for port in $(seq "$1" "$2"); do
    if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then echo "$port"; return; fi
    exec 3<&- 3>&-
  done
  echo "telemetry-outage.sh: no free port in $1-$2" >&2; exit 2
}

APP_PID=""
SAMPLER_PID=""
SINK_PID=""
GEN_PID=""
KAFKA_DIR="$OUT/kafka"
kafka() { serving/telemetry/kafka.sh "$1" --dir "$KAFKA_DIR" "${@:2}"; }
stop_pid() { # stop_pid PID: TERM, up to 10 s, then KILL
  local pid="$1"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  for pid in "$GEN_PID" "$SAMPLER_PID" "$APP_PID" "$SINK_PID"; do stop_pid "$pid"; done
  kafka stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "node $NODE; scenario $scenario at $rate req/s; phases up ${up}s, down ${outage}s, back ${back}s; usage period $period"

# ---- The broker
KAFKA_PORT="$(free_port 19192 19290)"
KAFKA_CONTROLLER_PORT="$(free_port $((KAFKA_PORT + 1)) 19299)"
log "starting Kafka on 127.0.0.1:$KAFKA_PORT (data: $KAFKA_DIR)"
kafka start --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" >"$OUT/kafka-start.log" 2>&1 \
  || { cat "$OUT/kafka-start.log" >&2; exit 2; }

# ---- Alert sink and options for the small-bound variant
alert_opts=()
if [[ -n "$max_backlog" ]]; then
  SINK_PORT="$(free_port 18300 18399)"
  python3 - "$SINK_PORT" "$OUT/alert-sink.ndjson" >"$OUT/alert-sink.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
out = open(sys.argv[2], 'ab', buffering=0)
class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        out.write(self.rfile.read(int(self.headers.get('Content-Length', 0))).replace(b'\n', b' ') + b'\n')
        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
    def log_message(self, *a): pass
HTTPServer(('127.0.0.1', int(sys.argv[1])), Sink).serve_forever()
PY
  SINK_PID=$!
  alert_opts=(-Dslate.telemetry.outbox.max-backlog="$max_backlog" -Dslate.alerts.evaluation-interval=5s)
fi

# ---- The appliance, telemetry exported to the broker
APP_PORT="$(free_port 18200 18299)"
BASE="http://127.0.0.1:$APP_PORT"
log "starting the appliance on 127.0.0.1:$APP_PORT (log: $OUT/appliance.log)"
# shellcheck disable=SC2086
"$JAVA" --enable-native-access=ALL-UNNAMED ${SLATE_BENCH_APPLIANCE_OPTS:-} -Dslate.auth.enabled=false \
  -Dslate.telemetry.enabled=true -Dslate.telemetry.node="$NODE" -Dslate.telemetry.period="$period" \
  -Dslate.telemetry.kafka.bootstrap-servers="127.0.0.1:$KAFKA_PORT" -Dslate.telemetry.kafka.topic="$TOPIC" \
  "${alert_opts[@]}" \
  -Dslate.embedded=false -Dslate.http.host=127.0.0.1 -Dslate.http.port="$APP_PORT" \
  -Dslate.db.host="$PG_HOST" -Dslate.db.port="$PG_PORT" -Dslate.db.name="$PG_DB" -Dslate.db.username="$PG_USER" \
  -Dslate.redis.url="$REDIS_URL" \
  -Dslate.secret.bench_db_url="postgresql://$PG_HOST:$PG_PORT/$PG_DB" -Dslate.secret.bench_db_user="$PG_USER" \
  -jar "$APP_JAR" >"$OUT/appliance.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 480); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$OUT/appliance.log" >&2; exit 2; }
  if curl -fsS -o /dev/null "$BASE/q/health/ready" 2>/dev/null; then break; fi
  sleep 0.25
done
curl -fsS -o /dev/null "$BASE/q/health/ready" || { echo "telemetry-outage.sh: the appliance is not ready" >&2; exit 2; }
if [[ -n "$max_backlog" ]]; then
  curl -fsS -X PUT "$BASE/v1/alerts/channels/outage-sink" -H "X-Slate-Environment: $ENVIRONMENT" \
    -H 'Content-Type: application/json' --data "{\"kind\": \"slack\", \"url\": \"http://127.0.0.1:$SINK_PORT/hook\"}" \
    >/dev/null || { echo "telemetry-outage.sh: could not register the alert channel" >&2; exit 2; }
  log "alert channel outage-sink -> 127.0.0.1:$SINK_PORT; outbox bound $max_backlog"
fi

# ---- The sampler: every 5 s, the backlog from the metric and from SQL, the counters, the phase, the load
metric() { # metric NAME < metrics text: the sum of the series (0 when absent)
  awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF; f = 1 } END { printf "%d", f ? s : 0 }'
}
echo up >"$OUT/phase"
printf 'time\telapsed_s\tphase\tbacklog_gauge\tnode_unshipped\tnode_records\tshipped_total\tfailed_total\tdropped_total\tload1\n' \
  >"$OUT/samples.tsv"
START_EPOCH="$(date +%s)"
(
  while kill -0 "$APP_PID" 2>/dev/null; do
    m="$(curl -fsS --max-time 2 "$BASE/q/metrics" 2>/dev/null || true)"
    sql="$(psql_q "select count(*) filter (where shipped_at is null) || ' ' || count(*) from usage_outbox where node = '$NODE'" 2>/dev/null || echo '? ?')"
    printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(( $(date +%s) - START_EPOCH ))" \
      "$(cat "$OUT/phase")" "$(metric slate_usage_outbox_backlog <<<"$m")" "${sql% *}" "${sql#* }" \
      "$(metric slate_usage_records_shipped_total <<<"$m")" "$(metric slate_usage_records_failed_total <<<"$m")" \
      "$(metric slate_usage_records_dropped_total <<<"$m")" "$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/samples.tsv"
    sleep 5
  done
) &
SAMPLER_PID=$!

gen_status=0
generate() { # generate PHASE SECONDS WARMUP [extra generator options]: one open-loop run of Slate only
  local phase="$1" seconds="$2" warm="$3"
  shift 3
  set +e
  serving/bench/run.sh --url "$BASE" --no-floor --slate-only --environment "$ENVIRONMENT" \
    --scenario "$scenario" "$rate_option" "$rate" \
    --warmup "$warm" --duration "$seconds" --output "$OUT/phase-$phase.json" "$@" >"$OUT/phase-$phase.log" 2>&1
  local s=$?
  set -e
  grep -E '^\s+p50 .* ms, p99' "$OUT/phase-$phase.log" | head -1 | sed "s/^ */  $phase: /" || true
  echo "$s" >"$OUT/phase-$phase.status"
  if [[ "$s" -ne 0 ]]; then
    log "the generator run of phase $phase ended with status $s (see $OUT/phase-$phase.log)"
  fi
}
require_results() { # require_results PHASE: a run that measured nothing ends the benchmark
  if [[ ! -f "$OUT/phase-$1.json" ]]; then
    echo "telemetry-outage.sh: phase $1 left no results; last lines of $OUT/phase-$1.log:" >&2
    tail -n 5 "$OUT/phase-$1.log" >&2
    exit 2
  fi
}

log "phase up: broker running, ${up} s measured"
generate up "$up" "$first_warmup"
require_results up
echo "up_end $(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$OUT/events.txt"

echo down >"$OUT/phase"
log "phase down: stopping the broker"
kafka stop >>"$OUT/kafka-start.log" 2>&1
DOWN_AT="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
echo "broker_stopped $DOWN_AT" >>"$OUT/events.txt"
log "phase down: broker stopped at $DOWN_AT, ${outage} s measured"
generate down "$outage" "$warmup" --skip-setup
require_results down

echo back >"$OUT/phase"
log "phase back: starting the generator, then the broker"
generate back "$back" "$warmup" --skip-setup &
GEN_PID=$!
sleep 1
kafka start --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" >>"$OUT/kafka-start.log" 2>&1 \
  || { tail -n 5 "$OUT/kafka-start.log" >&2; exit 2; }
BACK_AT="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
echo "broker_ready $BACK_AT" >>"$OUT/events.txt"
log "phase back: broker ready at $BACK_AT, ${back} s measured"
wait "$GEN_PID" || true
GEN_PID=""
echo idle >"$OUT/phase"
require_results back
for phase in up down back; do
  [[ "$(cat "$OUT/phase-$phase.status")" == 0 ]] || gen_status=3
done

# ---- Every query counted and written: wait two periods after the load, then take the count and the cut-off
sleep $((2 * period_s + 2))
CUTOFF="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
answered="$(curl -fsS "$BASE/q/metrics" \
  | awk -v e="environment=\"$ENVIRONMENT\"" 'index($1, "slate_query_duration_seconds_count{") == 1 && index($1, e) { s += $NF } END { printf "%d", s }')"
log "queries answered in $ENVIRONMENT (slate_query_duration_seconds_count): $answered; cut-off $CUTOFF"
sleep $((2 * period_s + 1))
log "waiting until every outbox record of $NODE before the cut-off is shipped (at most ${drain_timeout} s)"
deadline=$(( $(date +%s) + drain_timeout ))
while :; do
  left="$(psql_q "select count(*) from usage_outbox where node = '$NODE' and period_start < '$CUTOFF' and shipped_at is null")"
  [[ "$left" == 0 ]] && break
  if (( $(date +%s) > deadline )); then log "still $left unshipped after ${drain_timeout} s"; break; fi
  sleep 2
done
# the records written while the broker was away, and when the last of them was shipped
read -r OUTAGE_RECORDS DRAINED_AT <<<"$(psql_q "select count(*) || ' ' || coalesce(to_char(max(shipped_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), '-') from usage_outbox where node = '$NODE' and created_at >= '$DOWN_AT' and created_at < '$BACK_AT'")"
echo "outage_records $OUTAGE_RECORDS" >>"$OUT/events.txt"
echo "outage_records_shipped_by $DRAINED_AT" >>"$OUT/events.txt"
if [[ -n "$max_backlog" ]]; then
  curl -fsS "$BASE/v1/alerts/notifications" -H "X-Slate-Environment: $ENVIRONMENT" >"$OUT/alerts.json" || true
fi
curl -fsS "$BASE/q/metrics" >"$OUT/metrics-end.txt" || true

# ---- The consumer: every record id of the outbox on the topic
# the bench environment is deployed by the first run and served throughout: its node_seconds must have no gap
# (other environments of a shared metadata database may come and go)
audit_opts=(--continuous "$ENVIRONMENT" --expect-queries "$ENVIRONMENT=$answered")
if [[ -n "$max_backlog" ]]; then audit_opts=(--continuous "$ENVIRONMENT" --outbox-only); fi
log "auditing the topic against the outbox"
set +e
"$JAVA" -cp "$TELEMETRY/test-classes:$TELEMETRY/classes:$(cat "$TELEMETRY/kafka-broker.classpath")" \
  dev.slate.serving.telemetry.UsageTopicAudit --bootstrap-servers "127.0.0.1:$KAFKA_PORT" --topic "$TOPIC" \
  --jdbc-url "jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB" --db-user "$PG_USER" --node "$NODE" --until "$CUTOFF" \
  "${audit_opts[@]}" --output "$OUT/audit.json" 2>"$OUT/audit.log" | tee "$OUT/audit.txt"
audit_status=${PIPESTATUS[0]}
set -e
[[ "$audit_status" -le 1 ]] || { echo "telemetry-outage.sh: the audit failed (see $OUT/audit.log)" >&2; tail -n 5 "$OUT/audit.log" >&2; }

stop_pid "$SAMPLER_PID"; SAMPLER_PID=""
stop_pid "$APP_PID"; APP_PID=""
kafka stop >/dev/null 2>&1 || true

python3 - "$OUT" "$scenario" "$rate" "$max_backlog" <<'PY' | tee "$OUT/summary.txt"
import csv, json, os, sys
from datetime import datetime
out, scenario, rate, bound = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def ts(s):
    return datetime.fromisoformat(s.replace('Z', '+00:00')) if s else None
events = dict(l.split(None, 1) for l in open(os.path.join(out, 'events.txt')).read().split('\n') if l)
events = {k: v.strip() for k, v in events.items()}
samples = list(csv.DictReader(open(os.path.join(out, 'samples.tsv')), delimiter='\t'))
def num(v):
    try: return int(v)
    except ValueError: return None
print()
print('Telemetry with the broker down: scenario %s, open loop %s req/s (Slate only)' % (scenario, rate))
print('%-6s %9s %9s %9s %9s %9s %9s %7s %-12s %s' % ('phase', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms',
      'req/s', 'errors', 'load (end)', 'outbox backlog (min..max, SQL)'))
p99 = {}
for phase in ('up', 'down', 'back'):
    f = os.path.join(out, 'phase-%s.json' % phase)
    if not os.path.exists(f):
        print('%-6s (no result)' % phase); continue
    res = json.load(open(f))
    s = res['scenarios'][0]['slate']
    lat = s['latency_ms']
    p99[phase] = lat['p99']
    rows = [num(r['node_unshipped']) for r in samples if r['phase'] == phase and num(r['node_unshipped']) is not None]
    loads = [r['load1'] for r in samples if r['phase'] == phase]
    print('%-6s %9s %9s %9s %9s %9s %9s %7d %-12s %s' % (phase, lat['p50'], lat['p90'], lat['p99'], lat['p99_9'],
          lat['max'], s['achieved_rate'], s['error_count'], loads[-1] if loads else '?',
          ('%d..%d' % (min(rows), max(rows))) if rows else '-'))
print()
print('p99 (ms) per 5 s of each measured window, in order ([..] marks the slice in which the broker became ready'
      ' or the last record of the outage was shipped):')
marks = [t for t in (ts(events.get('broker_ready')), ts(events.get('outage_records_shipped_by')) if
         events.get('outage_records_shipped_by', '-') != '-' else None) if t]
for phase in ('up', 'down', 'back'):
    f = os.path.join(out, 'phase-%s.json' % phase)
    if not os.path.exists(f):
        continue
    cells = []
    for i in json.load(open(f))['scenarios'][0]['slate'].get('intervals', []):
        start = ts(i['start'])
        text = '%s' % i['p99_ms']
        if any(0 <= (m - start).total_seconds() < 5 for m in marks):
            text = '[%s]' % text
        cells.append(text)
    print('  %-5s %s' % (phase, ' '.join(cells)))
print()
if 'up' in p99 and 'down' in p99 and p99['up']:
    print('p99 down / up = %.2f, back / up = %s' % (p99['down'] / p99['up'],
          ('%.2f' % (p99['back'] / p99['up'])) if 'back' in p99 else '-'))
back_at = ts(events.get('broker_ready'))
drained = ts(events.get('outage_records_shipped_by')) if events.get('outage_records_shipped_by', '-') != '-' else None
down_rows = [num(r['node_unshipped']) for r in samples if r['phase'] == 'down' and num(r['node_unshipped']) is not None]
print('broker stopped %s, ready again %s; %s records written to the outbox meanwhile (backlog at the last sample of'
      ' the outage: %s); the last of them shipped at %s, %s s after the broker was ready' % (
      events.get('broker_stopped'), events.get('broker_ready'), events.get('outage_records'),
      down_rows[-1] if down_rows else '?', events.get('outage_records_shipped_by'),
      ('%.1f' % (drained - back_at).total_seconds()) if back_at and drained else '?'))
last = samples[-1] if samples else {}
print('counters at the end: shipped %s, failed deliveries (retried) %s, dropped %s' % (
      last.get('shipped_total'), last.get('failed_total'), last.get('dropped_total')))
a = os.path.join(out, 'audit.json')
if os.path.exists(a):
    au = json.load(open(a))
    print('audit: %d outbox records, %d delivered intact, %d missing, %d differing, %d unexpected, %d malformed,'
          ' %d repeated ids (%d extra copies), %d node_seconds gaps; queries in records %s, answered %s -> %s' % (
          au['outbox_records'], au['delivered'], len(au['missing']), len(au['differing']), len(au['unexpected']),
          len(au['malformed']), au['repeated_ids'], au['extra_copies'], len(au['node_seconds_gaps']),
          au['queries_in_records'], au['queries_expected'] or '(not checked)',
          'NOTHING LOST' if au['lossless'] else 'LOSS'))
else:
    print('audit: no result (see audit.log)')
if bound:
    f = os.path.join(out, 'alerts.json')
    notes = json.load(open(f)) if os.path.exists(f) else []
    mine = [n for n in notes if n.get('rule') == 'builtin.usage-outbox-full']
    sink = os.path.join(out, 'alert-sink.ndjson')
    received = sum(1 for _ in open(sink)) if os.path.exists(sink) else 0
    print('outbox bound %s: builtin.usage-outbox-full notifications %s; the sink received %d' % (
          bound, ', '.join('%s %s at %s' % (n['event'], n['status'], n['at']) for n in mine) or 'none', received))
PY
log "results in $OUT"
if [[ "$audit_status" -ne 0 ]]; then exit 1; fi
exit "$gen_status"
