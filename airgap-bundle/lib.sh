# Shared by airgap-bundle/build.sh, its steps and test-images.sh (sourced, not run).
set -euo pipefail

BUNDLE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(dirname "$BUNDLE_HOME")"
TARGET="${SLATE_BUNDLE_TARGET:-$BUNDLE_HOME/target}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# the project's version: the first <version> of the root pom (the parent's own), unless given
VERSION="${SLATE_VERSION:-$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$REPO/pom.xml" | head -1)}"
# the commit recorded in image labels and the manifest; build.sh fixes it once per build, like the build time
if [ -n "${SLATE_COMMIT:-}" ]; then
  COMMIT="$SLATE_COMMIT"
else
  COMMIT="$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null)" ]; then COMMIT="$COMMIT-dirty"; fi
fi
# the build time recorded in image labels and the manifest; build.sh fixes it once per build
BUILD_TIME="${SLATE_BUILD_TIME:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
KEYCLOAK_VERSION="$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' "$REPO/auth/pom.xml" | head -1)"
APP_UID=10001
export VERSION COMMIT BUILD_TIME KEYCLOAK_VERSION

log() { printf '[bundle %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[bundle] FAILED: %s\n' "$*" >&2; exit 1; }

# apt-get install the named commands' packages when a command is missing (needs root; Debian)
need() {
  local missing=()
  local pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} (apt-get)"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
  fi
}

# a key for a cached step: the SHA-256 of the named files' content (files or directory trees) and strings
cache_key() {
  local item
  for item in "$@"; do
    if [ -d "$item" ]; then
      (cd "$item" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    elif [ -f "$item" ]; then
      sha256sum < "$item"
    else
      printf '%s\n' "$item"
    fi
  done | sha256sum | cut -c1-64
}

# true when DIR/.done holds KEY (the step ran with these inputs and finished)
cached() { [ -f "$1/.done" ] && [ "$(cat "$1/.done")" = "$2" ]; }
mark_done() { printf '%s' "$2" > "$1/.done"; }
