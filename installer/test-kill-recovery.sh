#!/usr/bin/env bash
# Crash-recovery matrix for the standalone appliance (docs/install.md, "Standalone host").
#
#   installer/test-kill-recovery.sh [VICTIM...]      VICTIM: cli appliance postgres redis keycloak (default: all)
#
# Runs `slate up --demo` on a fresh home, then for each victim in turn: SIGKILLs that one process, checks that
# every other process of the installation stops by itself (nothing of the home left running), and starts
# `slate up` again on the same home, which must get ready with no hand work and answer an online query.
# Ends with a SIGTERM and the same "nothing left" check. Ports: SLATE_TEST_PORT (28080),
# SLATE_TEST_AUTH_PORT (28180). Needs the checkout built (./slate builds it on first use).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
port="${SLATE_TEST_PORT:-28080}"
auth_port="${SLATE_TEST_AUTH_PORT:-28180}"
home="$(mktemp -d /tmp/slate-kill-recovery.XXXXXX)"
victims=("$@")
if [ ${#victims[@]} -eq 0 ]; then victims=(cli appliance postgres redis keycloak); fi
ready_timeout=900
settle_timeout=120
up_pid=
results=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# every live process of this installation: cwd under the home, or the home on its command line
home_processes() {
  local p pid cwd cmd
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [ "$pid" = "$$" ] && continue
    cwd="$(readlink "$p/cwd" 2>/dev/null || true)"
    cmd="$(tr '\0' ' ' 2>/dev/null < "$p/cmdline" || true)"
    if [[ "$cwd" == "$home" || "$cwd" == "$home"/* || "$cmd" == *"-Dslate.home=$home "* ]]; then
      local comm; comm="$(cat "$p/comm" 2>/dev/null || true)"
      [ -n "$comm" ] && [ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" != Z ] && echo "$pid:$comm"
    fi
  done
}

cleanup() {
  if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then kill -TERM "$up_pid" 2>/dev/null || true; wait "$up_pid" 2>/dev/null || true; fi
  local left; left="$(home_processes | awk -F: '{print $1}')"
  if [ -n "$left" ]; then kill -KILL $left 2>/dev/null || true; fi
}
trap cleanup EXIT

start_up() {
  local n="$1" started=$SECONDS
  log "start #$n: ./slate up --demo --home $home --port $port --auth-port $auth_port"
  "$repo/slate" up --demo --home "$home" --port "$port" --auth-port "$auth_port" --ready-timeout "$ready_timeout" \
    > "$home/up-$n.log" 2>&1 < /dev/null &
  up_pid=$!
  while ! grep -q "Slate is up at" "$home/up-$n.log" 2>/dev/null; do
    if ! kill -0 "$up_pid" 2>/dev/null; then
      log "FAIL start #$n: slate up exited before it was ready; its output:"; tail -40 "$home/up-$n.log"; exit 1
    fi
    if (( SECONDS - started > 2 * ready_timeout )); then log "FAIL start #$n: not ready in time"; tail -40 "$home/up-$n.log"; exit 1; fi
    sleep 1
  done
  log "start #$n ready in $((SECONDS - started)) s"
  if grep -q -i "leftover\|earlier run\|earlier slate up\|stale" "$home/up-$n.log"; then
    log "  recovery lines:"; grep -i "leftover\|earlier run\|earlier slate up\|stale" "$home/up-$n.log" | sed 's/^/    /'
  fi
  query "$n"
}

query() {
  local out
  out="$(curl -s -m 20 -X POST "http://127.0.0.1:$port/v1/query/online" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(demo_token)" -d '{"inputs":{"user.id":1},"outputs":["user.email_domain"]}')"
  if ! grep -q '"value"' <<<"$out"; then log "FAIL start #$1: the online query did not answer: $out"; exit 1; fi
  log "  online query answered: $(grep -o '"value":[^,]*' <<<"$out" | awk 'NR == 1')"
}

demo_token() {
  local secret
  secret="$(sed -n 's/^client.slate-service.secret=//p' "$home/keycloak/credentials.properties")"
  curl -s -m 20 "http://127.0.0.1:$auth_port/realms/slate/protocol/openid-connect/token" -d grant_type=client_credentials \
    -d client_id=slate-service --data-urlencode "client_secret=$secret" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

pid_of() {
  case "$1" in
    cli) echo "$up_pid" ;;
    appliance) home_processes | while IFS=: read -r pid comm; do
                 if [[ "$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline")" == *quarkus-run.jar* ]]; then echo "$pid"; fi; done | awk 'NR == 1' ;;
    postgres) head -1 "$home/pg/postmaster.pid" ;;
    redis) home_processes | awk -F: '$2 ~ /^redis-server/ && !found {print $1; found = 1}' ;;
    keycloak) pgrep -g "$(sed -n 's/^process-group=//p' "$home/keycloak/keycloak.state")" -x java ;;  # the server JVM (kc.sh is its group leader)
  esac
}

await_nothing_left() {
  local what="$1" since=$SECONDS
  while true; do
    local left; left="$(home_processes | tr '\n' ' ')"
    if [ -z "$left" ] && ! kill -0 "$up_pid" 2>/dev/null; then
      log "  nothing of the installation runs $((SECONDS - since)) s after $what"
      return 0
    fi
    if (( SECONDS - since > settle_timeout )); then
      log "FAIL after $what: still running after $settle_timeout s: $left"; return 1
    fi
    sleep 1
  done
}

log "home $home"
n=1
start_up $n
for victim in "${victims[@]}"; do
  pid="$(pid_of "$victim")"
  if [ -z "$pid" ]; then log "FAIL: no $victim process found"; exit 1; fi
  log "kill -9 $victim (pid $pid)"
  kill -KILL "$pid"
  if await_nothing_left "kill -9 $victim"; then results+=("$victim: children stopped by themselves")
  else results+=("$victim: LEFTOVERS stayed (the next start must clear them)"); fi
  wait "$up_pid" 2>/dev/null || true
  n=$((n + 1))
  start_up $n
  results+=("$victim: next slate up ready and answering (start #$n)")
done
log "SIGTERM slate up"
kill -TERM "$up_pid"
wait "$up_pid" 2>/dev/null || true
await_nothing_left "SIGTERM"
up_pid=
log "RESULTS"
printf '  %s\n' "${results[@]}"
if printf '%s\n' "${results[@]}" | grep -q LEFTOVERS; then exit 1; fi
log "PASS"
rm -rf "$home"
