#!/usr/bin/env bash
# Zero-egress proof for the standalone install (docs/install.md, "Standalone host").
#
#   installer/test-zero-egress.sh [--from-bundle FILE [--public-key PEM_FILE]]
#
# Without options it installs from this checkout; with --from-bundle from that offline bundle (verified with
# --public-key, else the FILE's sibling slate-bundle-VERSION.pub.pem, else the key built into the CLI), and the
# installed bundle's own CLI (PREFIX/bin/slate) does everything after the install.
#
# In a network namespace with loopback only (`unshare -n`, then `ip link set lo up`), and with every
# process traced for connect/sendto/sendmsg (`strace -f`): install Slate standalone from this checkout,
# start it, log in (password grant of a demo user), deploy a project, ingest values, query them online
# and offline, stop. Fails when any step fails or when any process tried to reach an address other than
# loopback (a DNS lookup is a UDP/TCP connect to port 53 of the resolver and is caught the same way).
# The attempts are listed from the trace. Needs root (unshare -n), strace, and the checkout built
# (./mvnw -B -DskipTests install; ./slate builds it on first use).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
if [ -z "${SLATE_ZERO_EGRESS_INSIDE:-}" ]; then
  while [ $# -gt 0 ]; do
    case "$1" in
      --from-bundle) SLATE_ZERO_EGRESS_BUNDLE="$(readlink -f "$2")"; shift 2 ;;
      --public-key) SLATE_ZERO_EGRESS_PUBLIC_KEY="$(readlink -f "$2")"; shift 2 ;;
      *) echo "usage: $0 [--from-bundle FILE [--public-key PEM_FILE]]" >&2; exit 2 ;;
    esac
  done
  if [ -n "${SLATE_ZERO_EGRESS_BUNDLE:-}" ]; then
    [ -f "$SLATE_ZERO_EGRESS_BUNDLE" ] || { echo "zero-egress: no bundle $SLATE_ZERO_EGRESS_BUNDLE" >&2; exit 2; }
    sibling="${SLATE_ZERO_EGRESS_BUNDLE%.tar}.pub.pem"
    if [ -z "${SLATE_ZERO_EGRESS_PUBLIC_KEY:-}" ] && [ -f "$sibling" ]; then SLATE_ZERO_EGRESS_PUBLIC_KEY="$sibling"; fi
    export SLATE_ZERO_EGRESS_BUNDLE SLATE_ZERO_EGRESS_PUBLIC_KEY
    echo "zero-egress: bundle $SLATE_ZERO_EGRESS_BUNDLE ($(du -h "$SLATE_ZERO_EGRESS_BUNDLE" | cut -f1))"
  fi
  command -v strace >/dev/null || { echo "zero-egress: strace is missing (apt-get install strace)" >&2; exit 2; }
  work="$(mktemp -d /tmp/slate-zero-egress.XXXXXX)"
  echo "zero-egress: work directory $work"
  set +e
  SLATE_ZERO_EGRESS_INSIDE=1 unshare -n -- strace -f -qq --seccomp-bpf -e trace=connect,sendto,sendmsg \
    -o "$work/strace.log" -- "$0" "$work"
  status=$?
  set -e
  # every attempt whose address is not loopback (AF_UNIX and netlink are local by nature)
  grep -E 'sa_family=AF_INET6?' "$work/strace.log" \
    | grep -v -E 'inet_addr\("127\.[0-9.]+"\)|inet_pton\(AF_INET6, "::1"|inet_pton\(AF_INET6, "::ffff:127\.[0-9.]+"' \
    > "$work/egress-attempts.log" || true
  loopback="$(grep -c -E 'sa_family=AF_INET6?' "$work/strace.log" || true)"
  attempts="$(wc -l < "$work/egress-attempts.log")"
  echo "zero-egress: traced $(grep -c -E '^[0-9]+ +(connect|sendto|sendmsg)\(' "$work/strace.log" || true) network calls," \
       "$loopback with an IP address; non-loopback attempts: $attempts"
  if [ "$attempts" -gt 0 ]; then
    echo "zero-egress: FAIL — attempts to leave the machine:"; sed 's/^/  /' "$work/egress-attempts.log" | head -50
    exit 1
  fi
  if [ "$status" -ne 0 ]; then echo "zero-egress: FAIL — a step failed (exit $status); see above and $work"; exit "$status"; fi
  echo "zero-egress: PASS (no process tried to reach anything but loopback; trace in $work/strace.log)"
  exit 0
fi

# ---- inside the namespace, under strace ----
work="$1"
ip link set lo up
prefix="$work/prefix"
port=48080
auth_port=48180
export SLATE_URL="http://127.0.0.1:$port"
export SLATE_AUTH_ISSUER="http://127.0.0.1:$auth_port/realms/slate"
export SLATE_TOKEN_FILE="$work/token"
slate="$prefix/bin/slate"
step() { printf '%s zero-egress: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
stop() { [ -x "$slate" ] && "$slate" stop >/dev/null 2>&1 || true; }
trap stop EXIT

step "no route out: $(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
started=$SECONDS
if [ -n "${SLATE_ZERO_EGRESS_BUNDLE:-}" ]; then
  step "install --standalone from the bundle $SLATE_ZERO_EGRESS_BUNDLE"
  key=()
  if [ -n "${SLATE_ZERO_EGRESS_PUBLIC_KEY:-}" ]; then key=(--public-key "$SLATE_ZERO_EGRESS_PUBLIC_KEY"); fi
  "$repo/slate" install --standalone --prefix "$prefix" --from-bundle "$SLATE_ZERO_EGRESS_BUNDLE" "${key[@]}" \
    --port "$port" --auth-port "$auth_port" --demo --no-systemd
else
  step "install --standalone from $repo"
  "$repo/slate" install --standalone --prefix "$prefix" --from-source "$repo" --port "$port" --auth-port "$auth_port" --demo --no-systemd
fi
step "installed in $((SECONDS - started)) s; start"
t0=$SECONDS
"$slate" start
step "started in $((SECONDS - t0)) s (install + start: $((SECONDS - started)) s)"
"$slate" status

step "log in as alice (password grant)"
sed -n 's/^demo.user.password=//p' "$prefix/var/home/keycloak/credentials.properties" > "$work/password"
"$slate" login -u alice --password-file "$work/password"
rm -f "$work/password"

step "deploy a project"
mkdir -p "$work/project"
cat > "$work/project/slate.yaml" <<'YAML'
project: egress
entities:
  device:
    key: id
    features:
      id: int
      score: {type: float, ingested: true}
      doubled: {type: float, expression: "score * 2.0"}
YAML
"$slate" apply "$work/project"

step "ingest"
cat > "$work/rows.json" <<'JSON'
[{"device.id": 7, "device.score": 0.25, "__ts__": "2026-01-01T00:00:00Z"},
 {"device.id": 8, "device.score": 0.75, "__ts__": "2026-01-01T00:00:00Z"}]
JSON
"$slate" ingest "$work/rows.json"

step "query online"
"$slate" query --in device.id=7 --out device.score --out device.doubled | tee "$work/online.txt"
grep -q "0.5" "$work/online.txt" || { echo "online answer lacks device.doubled = 0.5"; exit 1; }

step "query offline"
cat > "$work/spine.json" <<'JSON'
[{"device.id": 7, "input_time": "2026-06-01T00:00:00Z"}, {"device.id": 8, "input_time": "2026-06-01T00:00:00Z"}]
JSON
"$slate" offline-query --spine "$work/spine.json" --out device.score --output "$work/train.json"
grep -q "0.75" "$work/train.json" || { echo "offline answer lacks device.score = 0.75"; cat "$work/train.json"; exit 1; }

step "stop"
"$slate" stop
trap - EXIT
step "all steps passed"
