#!/usr/bin/env bash
# `slate` as shipped in the offline bundle (cli/slate): runs the CLI jar beside it with a Java 21+:
# $SLATE_JAVA, else the bundle's JRE when unpacked beside cli/ (jre/slate-jre-*/bin/java), else $JAVA_HOME, else java.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd -P)"
java_bin="${SLATE_JAVA:-}"
if [ -z "$java_bin" ]; then
  for candidate in "$here"/../jre/slate-jre-*/bin/java; do
    if [ -x "$candidate" ]; then java_bin="$candidate"; break; fi
  done
fi
if [ -z "$java_bin" ] && [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java_bin="$JAVA_HOME/bin/java"; fi
if [ -z "$java_bin" ]; then java_bin="$(command -v java || true)"; fi
if [ -z "$java_bin" ]; then
  echo "slate: no Java found; unpack the bundle's JRE (tar -xzf jre/slate-jre-*.tar.gz -C jre) or set SLATE_JAVA" >&2
  exit 1
fi
major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ -z "$major" ] || [ "${major%%.*}" -lt 21 ]; then
  echo "slate: $java_bin is Java ${major:-unknown}; Slate needs 21 or newer (set SLATE_JAVA)" >&2
  exit 1
fi
jar="$(ls "$here"/slate-installer-*.jar | head -1)"
exec "$java_bin" -cp "$jar:$here/lib/*" dev.slate.installer.SlateCli "$@"
