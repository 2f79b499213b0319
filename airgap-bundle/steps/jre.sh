#!/usr/bin/env bash
# Step: one Java runtime for both images and for standalone hosts, made with jlink from the build's JDK
# (Temurin 25): the modules below, no debug symbols, headers or man pages.
#   out: target/jre/runtime (the JRE; the images' /opt/java and the bundle's jre/)
#
# The module list is written down, not computed: the Java SE modules a Quarkus application and Keycloak use
# (java.desktop for java.beans, java.instrument, java.naming, java.sql, java.xml, …) plus what is only loaded
# reflectively or by service lookup: jdk.crypto.ec / jdk.crypto.cryptoki (TLS, JWT signatures), jdk.naming.dns,
# jdk.localedata (Keycloak's translated pages), jdk.zipfs, jdk.charsets, jdk.management and jdk.jfr (metrics),
# jdk.unsupported (Netty, DuckDB). It is checked by booting both images (airgap-bundle/test-images.sh).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
MODULES="java.base,java.compiler,java.datatransfer,java.desktop,java.instrument,java.logging,java.management,\
java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,\
java.security.sasl,java.sql,java.sql.rowset,java.transaction.xa,java.xml,java.xml.crypto,jdk.charsets,\
jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,jdk.localedata,jdk.management,jdk.naming.dns,jdk.net,\
jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs"
out="$TARGET/jre"
key="$(cache_key "${BASH_SOURCE[0]}" "$("$JAVA_HOME/bin/java" -version 2>&1)")"
if cached "$out" "$key"; then log "jre: cached ($out/runtime)"; exit 0; fi
rm -rf "$out"; mkdir -p "$out"
log "jre: jlink from $JAVA_HOME"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --include-locales=en,de,fr,es,it,ja,pt,zh \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$out/runtime"
"$out/runtime/bin/java" -version > /dev/null 2>&1 || die "the jlinked JRE does not run"
mark_done "$out" "$key"
log "jre: $out/runtime $(du -sh "$out/runtime" | cut -f1)"
