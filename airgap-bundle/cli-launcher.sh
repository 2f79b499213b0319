#!/usr/bin/env bash
# `slate` as shipped in the offline bundle (cli/slate): runs the CLI jar beside it with a Java 25+:
# $SLATE_JAVA, else the bundle's JRE beside cli/ (jre/bin/java), else $JAVA_HOME, else java on the PATH.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd -P)"
java_bin="${SLATE_JAVA:-}"
if [ -z "$java_bin" ]; then
  if [ -x "$here/../jre/bin/java" ]; then java_bin="$here/../jre/bin/java"; fi
fi
if [ -z "$java_bin" ] && [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java_bin="$JAVA_HOME/bin/java"; fi
if [ -z "$java_bin" ]; then java_bin="$(command -v java || true)"; fi
if [ -z "$java_bin" ]; then
  echo "slate: no Java found: no jre/ beside cli/, no \$JAVA_HOME, no java on the PATH (or set SLATE_JAVA)" >&2
  exit 1
fi
major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ -z "$major" ] || [ "${major%%.*}" -lt 25 ]; then
  echo "slate: $java_bin is Java ${major:-unknown}; Slate needs 25 or newer (set SLATE_JAVA)" >&2
  exit 1
fi
jar="$(ls "$here"/slate-installer-*.jar | head -1)"
exec "$java_bin" -cp "$jar:$here/lib/*" dev.slate.installer.SlateCli "$@"
