#!/usr/bin/env bash
# Starts, stops and reports a real Keycloak on loopback for Slate (tests, demos, the standalone appliance).
#
#   auth/keycloak.sh start  [--port N] [--data DIR] [--no-demo-users] [--ui-url URL] [--timeout SECONDS]
#                           [--watch-pid PID] [--replace]
#   auth/keycloak.sh stop   [--data DIR]
#   auth/keycloak.sh status [--data DIR]
#   auth/keycloak.sh build
#
# Defaults: port 18080, data auth/target/keycloak-data, demo users on. Keycloak runs under setsid from the
# distribution the build unpacked into auth/target/keycloak (Maven Central, org.keycloak:keycloak-quarkus-dist);
# stop signals its whole process group. `start` first makes that distribution a production build once (`kc.sh
# build`, recorded in slate-build.properties; `build` does only that), so it starts with `kc.sh start --optimized`
# (docs/security.md). The work is done by dev.slate.auth.keycloak.KeycloakCommand, the same
# launcher the tests use. Secrets are generated per data directory into DATA/credentials.properties (0600)
# and never printed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

if [ $# -lt 1 ]; then usage >&2; exit 64; fi
action="$1"; shift
case "$action" in
  start|stop|status|build) ;;
  -h|--help|help) usage; exit 0 ;;
  *) echo "unknown action: $action" >&2; usage >&2; exit 64 ;;
esac

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$java_bin" >/dev/null 2>&1; then
  echo "keycloak.sh: no java found; set JAVA_HOME to a JDK 21 or newer" >&2; exit 1
fi
java_major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ -z "$java_major" ] || [ "${java_major%%.*}" -lt 21 ]; then
  echo "keycloak.sh: $java_bin is Java ${java_major:-unknown}; Keycloak needs 21 or newer (set JAVA_HOME)" >&2
  exit 1
fi

classes="$here/target/classes"
classpath_file="$here/target/launcher.classpath"
dist="$here/target/keycloak"
if [ ! -f "$classes/dev/slate/auth/keycloak/KeycloakCommand.class" ] || [ ! -f "$classpath_file" ] \
   || ! compgen -G "$dist/keycloak-*/bin/kc.sh" >/dev/null; then
  echo "keycloak.sh: building slate-auth (fetches the Keycloak distribution once, about 168 MB)..." >&2
  (cd "$root" && JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v "$java_bin")")")")}" \
     ./mvnw -B -q -pl auth process-classes)
fi

exec "$java_bin" -cp "$classes:$(cat "$classpath_file")" dev.slate.auth.keycloak.KeycloakCommand \
  "$action" --dist "$dist" --data "$here/target/keycloak-data" "$@"
