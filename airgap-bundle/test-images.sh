#!/usr/bin/env bash
# Boots the bundle's images without a container runtime and checks that they answer readiness
# (docs/install.md, "Image boot check"). Not part of ./mvnw verify: run it after build.sh, as root.
#
# Each image is unpacked with `umoci unpack` and its entrypoint, environment, user and working directory are
# taken from the image config. Everything runs in one new network namespace that has only loopback
# (`unshare -n -p -f -m`): a PostgreSQL and a Redis started there from this machine's Debian packages (what a
# cluster or the operator provides), then Keycloak and the appliance, each chrooted into its own root
# filesystem as 10001:10001, with that root filesystem remounted READ-ONLY and only the documented writable
# paths mounted as tmpfs (/tmp; /var/lib/slate for the appliance; /opt/keycloak/data/tmp for Keycloak).
#
# Checks: Keycloak /health/ready (management port) and the realm's OpenID discovery document; the appliance
# /q/health/ready and /q/health/live with its database, Redis and realm, and a 401 for /v1 without a token;
# then the appliance once more in its embedded mode (SLATE_EMBEDDED=true: its own PostgreSQL and Redis inside
# the image, as on a standalone host). Prints one line per check and exits non-zero when one fails.
#   test-images.sh [OCI_LAYOUT]   (default: target/images/oci)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need umoci:umoci jq:jq curl:curl
layout="${1:-$TARGET/images/oci}"
work="$TARGET/boot-test"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
[ -x "$pg_bin/initdb" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)"
command -v redis-server >/dev/null || die "no redis-server (apt-get install redis-server)"
[ "$(id -u)" = 0 ] || die "run as root (umoci unpack, unshare, chroot)"

rm -rf "$work"; mkdir -p "$work"
for image in appliance keycloak; do
  log "boot test: umoci unpack $image-$VERSION"
  umoci unpack --image "$layout:$image-$VERSION" "$work/$image" > /dev/null
  cfg="$work/$image/config.json"
  # entrypoint+cmd, environment, user and working directory as the image declares them (umoci's runtime config)
  jq -r '.process.args[]' "$cfg" > "$work/$image.args"
  jq -r '.process.env[]' "$cfg" > "$work/$image.env"
  jq -r '"\(.process.user.uid):\(.process.user.gid)"' "$cfg" > "$work/$image.user"
  jq -r '.process.cwd' "$cfg" > "$work/$image.cwd"
  log "boot test: $image runs as $(cat "$work/$image.user"): $(tr '\n' ' ' < "$work/$image.args")"
done
du -sh "$work/appliance/rootfs" "$work/keycloak/rootfs" | sed 's/^/[bundle] unpacked size: /' >&2

cat > "$work/inside.sh" <<'INSIDE'
#!/usr/bin/env bash
# runs as PID 1 of the test's PID, mount and network namespaces; everything it starts dies with it
set -uo pipefail
work="$1"; pg_bin="$2"
failures=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
ip link set lo up
if [ -z "$(ip route show)" ] && [ "$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" = "lo " ]; then
  pass "the namespace has loopback only (interfaces: lo; no routes)"
else
  fail "the namespace has more than loopback: $(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
fi

# -- what the environment provides: PostgreSQL and Redis on loopback
mkdir -p "$work/pg" "$work/pgsock" && chown postgres "$work/pg" "$work/pgsock"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust > "$work/pg/initdb.log" 2>&1
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
  -o "-p 25432 -k $work/pgsock -c listen_addresses=127.0.0.1" start > /dev/null
for db in keycloak slate; do runuser -u postgres -- "$pg_bin/psql" -q -h 127.0.0.1 -p 25432 -U postgres -c "CREATE DATABASE $db" postgres; done
redis-server --port 26379 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --logfile "$work/redis.log"

# -- root filesystems read-only, with tmpfs where the image may write
prepare() { # IMAGE WRITABLE...
  local root="$work/$1/rootfs"; shift
  mount --bind "$root" "$root" && mount -o remount,bind,ro "$root"
  mount -t proc proc "$root/proc"
  [ -c "$root/dev/null" ] || mount --rbind /dev "$root/dev"
  local dir
  for dir in "$@"; do mount -t tmpfs -o "mode=1777,size=2g" tmpfs "$root$dir"; done
}
prepare keycloak /tmp /opt/keycloak/data/tmp
prepare appliance /tmp /var/lib/slate
if touch "$work/appliance/rootfs/opt/slate/probe" 2>/dev/null; then fail "the appliance root filesystem is writable"; else pass "root filesystems are mounted read-only"; fi

run() { # IMAGE LOG EXTRA_ENV... -- starts the image's entrypoint in its chroot as its user
  local image="$1" logfile="$2"; shift 2
  local root="$work/$image/rootfs"
  mapfile -t args < "$work/$image.args"
  mapfile -t env < "$work/$image.env"
  chroot --userspec="$(cat "$work/$image.user")" "$root" /usr/bin/env -i --chdir="$(cat "$work/$image.cwd")" \
    "${env[@]}" "$@" "${args[@]}" > "$logfile" 2>&1 &
  echo $!
}

wait_http() { # URL SECONDS PID -> 0 when URL answers 200
  local url="$1" limit="$2" pid="$3" start=$SECONDS
  while (( SECONDS - start < limit )); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$url")" = 200 ] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

# -- Keycloak (production mode, PostgreSQL)
t0=$SECONDS
kc=$(run keycloak "$work/keycloak.log" KC_HTTP_PORT=18080 KC_HTTP_MANAGEMENT_PORT=19000 \
  KC_DB_URL=jdbc:postgresql://127.0.0.1:25432/keycloak KC_DB_USERNAME=postgres KC_DB_PASSWORD=unused \
  KC_HOSTNAME=http://127.0.0.1:18080 KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=boot-test-admin \
  SLATE_SERVICE_CLIENT_SECRET=boot-test-secret SLATE_UI_URL=http://127.0.0.1:8080)
if wait_http http://127.0.0.1:19000/health/ready 300 "$kc"; then
  pass "keycloak: /health/ready answered 200 after $((SECONDS - t0)) s"
else
  fail "keycloak: /health/ready not ready after $((SECONDS - t0)) s (log: $work/keycloak.log)"; tail -30 "$work/keycloak.log"
fi
if curl -sf -m 10 http://127.0.0.1:18080/realms/slate/.well-known/openid-configuration | grep -q '"issuer":"http://127.0.0.1:18080/realms/slate"'; then
  pass "keycloak: realm slate imported (OpenID discovery answers with its issuer)"
else
  fail "keycloak: no realm slate"
fi

# -- the appliance against them
t0=$SECONDS
app=$(run appliance "$work/appliance.log" SLATE_DB_HOST=127.0.0.1 SLATE_DB_PORT=25432 SLATE_DB_NAME=slate \
  SLATE_DB_USERNAME=postgres SLATE_REDIS_URL=redis://127.0.0.1:26379 SLATE_AUTH_ISSUER=http://127.0.0.1:18080/realms/slate \
  SLATE_SECRETS_KEY=IFBBsfZXs2MXfNH8Mag4K2VH20RzMttgGWeL9g2Wx3w=)
if wait_http http://127.0.0.1:8080/q/health/ready 240 "$app"; then
  pass "appliance: /q/health/ready answered 200 after $((SECONDS - t0)) s (PostgreSQL, Redis, realm on loopback)"
  echo "     $(curl -s -m 5 http://127.0.0.1:8080/q/health/ready | tr -d '\n' | tr -s ' ' | cut -c1-400)"
else
  fail "appliance: /q/health/ready not ready after $((SECONDS - t0)) s (log: $work/appliance.log)"
  curl -s -m 5 http://127.0.0.1:8080/q/health/ready; tail -30 "$work/appliance.log"
fi
[ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 http://127.0.0.1:8080/q/health/live)" = 200 ] \
  && pass "appliance: /q/health/live answered 200" || fail "appliance: /q/health/live"
code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 http://127.0.0.1:8080/v1/deployments)
[ "$code" = 401 ] && pass "appliance: /v1/deployments without a token answered 401" || fail "appliance: /v1/deployments without a token answered $code"
echo "     RSS: appliance $(ps -o rss= -p "$app" 2>/dev/null | awk '{printf "%d MB", $1/1024}'), keycloak $(ps -o rss= --ppid "$kc" 2>/dev/null | awk '{s+=$1} END {printf "%d MB", s/1024}')"
kill "$app"; wait "$app" 2>/dev/null

# -- the appliance in embedded mode (standalone host): its own PostgreSQL and Redis, inside the read-only image
t0=$SECONDS
emb=$(run appliance "$work/appliance-embedded.log" SLATE_EMBEDDED=true SLATE_AUTH_ISSUER=http://127.0.0.1:18080/realms/slate)
if wait_http http://127.0.0.1:8080/q/health/ready 240 "$emb"; then
  pass "appliance (embedded PostgreSQL and Redis): /q/health/ready answered 200 after $((SECONDS - t0)) s"
else
  fail "appliance (embedded): /q/health/ready not ready after $((SECONDS - t0)) s (log: $work/appliance-embedded.log)"
  tail -30 "$work/appliance-embedded.log"
fi
kill "$emb" "$kc"; wait 2>/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast stop > /dev/null
echo "$failures failure(s)"
exit $(( failures > 0 ))
INSIDE
chmod +x "$work/inside.sh"

log "boot test: starting (one network namespace with loopback only)"
set +e
unshare -n -p -f -m --propagation private --mount-proc bash "$work/inside.sh" "$work" "$pg_bin" | tee "$work/result.txt"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -c '^PASS' "$work/result.txt" || true); failed=$(grep -c '^FAIL' "$work/result.txt" || true)
echo "$passed passed, $failed failed"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
