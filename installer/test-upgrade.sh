#!/usr/bin/env bash
# "Upgrade without loss" for the standalone install (docs/install.md, "Upgrade and rollback").
#
#   installer/test-upgrade.sh [--from-bundles] [--keep]
#
# Installs vN = 0.1.0 standalone (embedded PostgreSQL and Redis, Keycloak, demo users), starts it, logs in, and
# writes through the real CLI/REST: a deployment, online values, offline history, a role binding and a secret.
# Then `slate upgrade` to vN+1 = 0.1.1, reads all of it back, writes a little more, `slate rollback --yes`, and
# reads the vN data back again (what was written after the upgrade must be gone). Times every phase and prints the
# load average. Needs the checkout built (./mvnw -B -DskipTests package -pl installer,appliance,auth -am). Loopback
# only; ports 47080 (HTTP) and 47180 (Keycloak).
#
# Where vN and vN+1 come from:
# - by default, two source trees of this built checkout (`--from-source`), the second one version-bumped
#   (SourceTree reads the version from the CLI jar's name);
# - with --from-bundles, two signed standalone bundles of this checkout made by make-standalone-bundle.sh with one
#   signing key, 0.1.0 and 0.1.1 (each bundle's manifest and CLI say its version), both checked with
#   `slate bundle verify`. vN is installed from its bundle with the public key given (`--public-key`), and the
#   installed vN CLI upgrades from the vN+1 bundle with the key it pins. Before that, an upgrade from a copy of the
#   vN+1 bundle with one byte of its last file changed must be refused with no file of the prefix (outside the
#   running home) changed and vN still serving everything. Needs openssl; the bundles (about 540 MB each) are made
#   in installer/target/upgrade-bundles/ (the jlinked JRE stays cached there) and removed at the end.
# --keep keeps the work directory (and the bundles).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
from_bundles=""
keep=""
for arg in "$@"; do
  case "$arg" in
    --from-bundles) from_bundles=1 ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--from-bundles] [--keep]" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d /tmp/slate-upgrade.XXXXXX)"
bundles="$repo/installer/target/upgrade-bundles"
prefix="$work/prefix"
port=47080
auth_port=47180
from_version=0.1.0
to_version=0.1.1
export SLATE_URL="http://127.0.0.1:$port"
export SLATE_AUTH_ISSUER="http://127.0.0.1:$auth_port/realms/slate"
export SLATE_TOKEN_FILE="$work/token"
slate="$prefix/bin/slate"
step() { printf '%s upgrade-test: %s (load %s)\n' "$(date -u +%H:%M:%S)" "$*" "$(cut -d' ' -f1-3 /proc/loadavg)"; }
fail() { echo "upgrade-test: FAIL — $*" >&2; exit 1; }
cleanup() {
  [ -x "$slate" ] && "$slate" stop >/dev/null 2>&1 || true
  if [ -z "$keep" ]; then
    rm -rf "$work"
    [ -z "$from_bundles" ] || rm -f "$bundles"/slate-bundle-*.tar "$bundles"/slate-bundle-*.pub.pem
  else
    echo "kept $work${from_bundles:+ and the bundles in $bundles}"
  fi
}
trap cleanup EXIT

if [ -n "$from_bundles" ]; then
  # one vendor key signs both bundles; the vN+1 bundle is the same build with its version bumped
  (umask 077 && openssl genpkey -algorithm ed25519 -out "$work/signing.pem")
  t_make=0 t_verify=0
  for version in "$from_version" "$to_version"; do
    step "make the standalone bundle $version"
    t=$SECONDS
    SLATE_BUNDLE_SIGNING_KEY="$work/signing.pem" "$repo/installer/make-standalone-bundle.sh" "$bundles" "$version" \
      > "$work/bundle-$version.log" 2>&1 || { tail -30 "$work/bundle-$version.log"; fail "make the bundle $version"; }
    t_make=$((t_make + SECONDS - t))
    t=$SECONDS
    "$repo/slate" bundle verify "$bundles/slate-bundle-$version.tar" --expect-version "$version" \
      --public-key "$bundles/slate-bundle-$version.pub.pem" > "$work/verify-$version.log" \
      || { cat "$work/verify-$version.log"; fail "slate bundle verify $version"; }
    t_verify=$((t_verify + SECONDS - t))
    step "$(head -1 "$work/verify-$version.log") ($(du -h "$bundles/slate-bundle-$version.tar" | cut -f1))"
  done
  step "both bundles made in ${t_make} s and verified in ${t_verify} s"
  install_from=(--from-bundle "$bundles/slate-bundle-$from_version.tar" --public-key "$bundles/slate-bundle-$from_version.pub.pem")
  upgrade_from=(--from-bundle "$bundles/slate-bundle-$to_version.tar")
else
  # two source trees of the same build, the second one version-bumped (SourceTree reads the version from the CLI jar)
  tree() {
    local version="$1" dir="$work/src-$1"
    mkdir -p "$dir/installer/target" "$dir/appliance/target" "$dir/auth"
    ln -s "$repo/installer/target/lib" "$dir/installer/target/lib"
    ln -s "$(ls "$repo"/installer/target/slate-installer-*.jar | grep -v -e sources -e tests | head -1)" \
      "$dir/installer/target/slate-installer-$version.jar"
    ln -s "$repo/appliance/target/quarkus-app" "$dir/appliance/target/quarkus-app"
    ln -s "$repo/auth/target" "$dir/auth/target"
  }
  tree "$from_version"
  tree "$to_version"
  install_from=(--from-source "$work/src-$from_version")
  upgrade_from=(--from-source "$work/src-$to_version")
fi

# the version the install runs: the current link, and with bundles also what the installed CLI says it is
running() {
  local version="$1" phase="$2"
  [ "$(readlink "$prefix/current")" = "versions/$version" ] || fail "$phase: current is $(readlink "$prefix/current"), not versions/$version"
  if [ -n "$from_bundles" ]; then
    [ "$("$slate" --version)" = "slate $version" ] || fail "$phase: the installed CLI says $("$slate" --version), not slate $version"
  fi
}

t0=$SECONDS
step "install $from_version (${install_from[*]})"
"$repo/slate" install --standalone --prefix "$prefix" "${install_from[@]}" --port "$port" \
  --auth-port "$auth_port" --demo --no-systemd > "$work/install.log" || { cat "$work/install.log"; fail "install"; }
t_install=$((SECONDS - t0))
running "$from_version" install
t1=$SECONDS
"$slate" start > "$work/start.log"
t_start=$((SECONDS - t1))
step "installed in ${t_install} s, started in ${t_start} s"

sed -n 's/^demo.user.password=//p' "$prefix/var/home/keycloak/credentials.properties" > "$work/password"
"$slate" login -u alice --password-file "$work/password" >/dev/null
rm -f "$work/password"
token() { "$slate" token; }

step "write: deployment, online values, offline history, role binding, secret"
mkdir -p "$work/project"
cat > "$work/project/slate.yaml" <<'YAML'
project: upgrade
entities:
  device:
    key: id
    features:
      id: int
      score: {type: float, ingested: true}
      doubled: {type: float, expression: "score * 2.0"}
YAML
"$slate" apply "$work/project" > /dev/null
cat > "$work/rows.json" <<'JSON'
[{"device.id": 7, "device.score": 0.25, "__ts__": "2026-01-01T00:00:00Z"},
 {"device.id": 8, "device.score": 0.75, "__ts__": "2026-01-01T00:00:00Z"}]
JSON
"$slate" ingest "$work/rows.json" > /dev/null
printf 'warehouse-password-v1' > "$work/secret"
"$slate" secrets put warehouse --value-file "$work/secret" > /dev/null
curl -fsS -X PUT -H "Authorization: Bearer $(token)" -H 'Content-Type: application/json' \
  -d '{"subject": "user:bob", "environment": "default", "role": "developer"}' "$SLATE_URL/v1/access/bindings" > /dev/null
cat > "$work/spine.json" <<'JSON'
[{"device.id": 7, "input_time": "2026-06-01T00:00:00Z"}, {"device.id": 8, "input_time": "2026-06-01T00:00:00Z"}]
JSON

# reads everything back; $1 = what device 7's score must be
read_back() {
  local phase="$1"
  "$slate" deployments list > "$work/$phase-deployments.txt"
  grep -q upgrade "$work/$phase-deployments.txt" || fail "$phase: the deployment is missing"
  # the first online read after a start may time out while the appliance connects to Redis (the query then
  # answers UPSTREAM_FAILED); a few tries, bounded
  local try
  for try in 1 2 3 4 5; do
    "$slate" query --in device.id=7 --out device.score --out device.doubled > "$work/$phase-online.txt"
    grep -qE '^device\.doubled +\| 0\.5 ' "$work/$phase-online.txt" && break
    step "$phase: online read $try failed ($(grep -o 'UPSTREAM_FAILED[^|]*|[^|]*' "$work/$phase-online.txt" | head -1)); again"
    sleep 2
  done
  grep -qE '^device\.doubled +\| 0\.5 ' "$work/$phase-online.txt" || fail "$phase: online device.doubled = 0.5 is missing: $(cat "$work/$phase-online.txt")"
  "$slate" offline-query --spine "$work/spine.json" --out device.score --output "$work/$phase-train.json" > /dev/null
  grep -q "0.75" "$work/$phase-train.json" || fail "$phase: offline device.score = 0.75 is missing"
  "$slate" secrets list > "$work/$phase-secrets.txt"
  grep -q warehouse "$work/$phase-secrets.txt" || fail "$phase: the secret is missing"
  curl -fsS -H "Authorization: Bearer $(token)" "$SLATE_URL/v1/access/bindings?subject=user:bob" > "$work/$phase-bindings.json"
  grep -q developer "$work/$phase-bindings.json" || fail "$phase: the role binding is missing"
  step "$phase: deployment, online, offline, secret and role binding read back"
}
read_back before

t_refused=""
if [ -n "$from_bundles" ]; then
  step "upgrade from a tampered copy of the $to_version bundle (must be refused with nothing changed)"
  t=$SECONDS
  tampered="$work/slate-bundle-$to_version.tar"
  cp "$bundles/slate-bundle-$to_version.tar" "$tampered"
  # the first byte of the last file with content (`tar -R` numbers the 512-byte block of its header, after any
  # PAX header; the data follows): the tar stays well-formed, only that file's SHA-256 differs
  read -r block member < <(tar -tvRf "$tampered" \
    | awk '$3 ~ /^-/ && $5 > 0 {b = $2; n = $8} END {sub(":", "", b); print b, n}')
  offset=$(((block + 1) * 512))
  byte="$(od -An -tu1 -j "$offset" -N1 "$tampered" | tr -d ' ')"
  # shellcheck disable=SC2059 # the format is the octal escape of the flipped byte
  printf "$(printf '\\%03o' $((byte ^ 255)))" | dd of="$tampered" bs=1 seek="$offset" conv=notrunc status=none
  # everything of the prefix but the running home (logs, PIDs, the databases' files), with sizes and times
  snapshot() { find "$prefix" -path "$prefix/var/home" -prune -o -type d -printf '%P/\n' -o -printf '%P %s %T@\n' | LC_ALL=C sort; }
  snapshot > "$work/prefix-before-tampered.txt"
  if "$slate" upgrade --standalone --prefix "$prefix" --from-bundle "$tampered" > "$work/tampered.log" 2>&1; then
    fail "the upgrade took the tampered bundle: $(cat "$work/tampered.log")"
  fi
  grep -qF "$member: SHA-256 is" "$work/tampered.log" && grep -qF "[DIGEST_MISMATCH]" "$work/tampered.log" \
    || fail "the refusal does not name the changed file $member: $(cat "$work/tampered.log")"
  snapshot > "$work/prefix-after-tampered.txt"
  diff "$work/prefix-before-tampered.txt" "$work/prefix-after-tampered.txt" > "$work/prefix-tampered.diff" \
    || fail "the refused upgrade changed the prefix: $(head -20 "$work/prefix-tampered.diff")"
  running "$from_version" after-refused-upgrade
  read_back after-refused-upgrade
  t_refused=$((SECONDS - t))
  step "refused in ${t_refused} s with the prefix unchanged: $(grep -F "$member" "$work/tampered.log" | head -1)"
fi

step "upgrade to $to_version (${upgrade_from[*]})"
t2=$SECONDS
"$slate" upgrade --standalone --prefix "$prefix" "${upgrade_from[@]}" > "$work/upgrade.log" \
  || { cat "$work/upgrade.log"; fail "upgrade"; }
t_upgrade=$((SECONDS - t2))
running "$to_version" after-upgrade
if [ -n "$from_bundles" ]; then
  grep -q "key from the key built into this CLI" "$work/upgrade.log" \
    || fail "the installed CLI did not check the bundle with its pinned key: $(head -3 "$work/upgrade.log")"
fi
step "upgraded in ${t_upgrade} s"
read_back after-upgrade

step "write after the upgrade (the rollback must drop it)"
cat > "$work/late.json" <<'JSON'
[{"device.id": 9, "device.score": 0.5, "__ts__": "2026-02-01T00:00:00Z"}]
JSON
"$slate" ingest "$work/late.json" > /dev/null
"$slate" query --in device.id=9 --out device.score | grep -qE '^device\.score +\| 0\.5 ' || fail "the late value was not written"

step "rollback to $from_version"
t3=$SECONDS
"$slate" rollback --standalone --prefix "$prefix" > "$work/refused.log" 2>&1 && fail "rollback without --yes went ahead"
"$slate" rollback --standalone --prefix "$prefix" --yes > "$work/rollback.log" || { cat "$work/rollback.log"; fail "rollback"; }
t_rollback=$((SECONDS - t3))
running "$from_version" after-rollback
step "rolled back in ${t_rollback} s"
read_back after-rollback
"$slate" query --in device.id=9 --out device.score > "$work/late-after-rollback.txt" || true
grep -q "UPSTREAM_FAILED" "$work/late-after-rollback.txt" && fail "cannot tell: the online store did not answer"
if grep -qE '^device\.score +\| 0\.5 ' "$work/late-after-rollback.txt"; then fail "the value written after the upgrade survived the rollback"; fi

echo "upgrade-test: PASS (${from_bundles:+from bundles, }$from_version -> $to_version -> $from_version) —" \
  "${from_bundles:+bundles made ${t_make} s and verified ${t_verify} s, }install ${t_install} s, first start ${t_start} s," \
  "${t_refused:+tampered bundle refused ${t_refused} s, }upgrade ${t_upgrade} s, rollback ${t_rollback} s;" \
  "backup $(du -sh "$prefix/var/backups" | cut -f1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
