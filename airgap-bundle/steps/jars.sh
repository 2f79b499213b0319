#!/usr/bin/env bash
# Step: the project's jars (./mvnw -DskipTests package from the repository root, the CLI pinning the bundle public
# key) and the CycloneDX SBOM of every Java dependency (makeAggregateBom, runtime scopes; target/bom.json).
# `package`, not `install`: the bundle build leaves ~/.m2 as it was. Maven's up-to-date checks make a rerun cheaper.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
log "jars: ./mvnw -B -DskipTests package + CycloneDX makeAggregateBom"
(cd "$REPO" && ./mvnw -B -q -DskipTests \
   -Dslate.bundle.public-key-dir="$TARGET/pinned-key" \
   package org.cyclonedx:cyclonedx-maven-plugin:2.9.3:makeAggregateBom \
   -DoutputFormat=json -DoutputName=bom -DincludeTestScope=false -DincludeProvidedScope=false -DincludeSystemScope=false) \
   > "$TARGET/jars.log" 2>&1 || { tail -40 "$TARGET/jars.log" >&2; die "the Maven build failed (log: $TARGET/jars.log)"; }
[ -f "$REPO/appliance/target/quarkus-app/quarkus-run.jar" ] || die "no appliance/target/quarkus-app/quarkus-run.jar after the build"
[ -f "$REPO/target/bom.json" ] || die "no target/bom.json (CycloneDX) after the build"
unzip -l "$REPO/installer/target/slate-installer-$VERSION.jar" | grep -q pinned-public-key.pem \
  || die "the CLI jar does not pin the bundle public key"
log "jars: done"
