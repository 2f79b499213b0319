#!/usr/bin/env bash
# Step: the appliance and Keycloak images, built with Jib (airgap-bundle/images/pom.xml, jib:buildTar, OCI format)
# on the base image's docker-archive, then gathered into one OCI layout (shared base layers stored once):
#   target/images/oci  refs appliance-VERSION and keycloak-VERSION
# Both run as 10001:10001 and write only to /tmp and /var/lib/slate (appliance) or /opt/keycloak/data/tmp (Keycloak),
# so they run with a read-only root filesystem when those are mounted writable (docs/install.md).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
need skopeo:skopeo umoci:umoci
out="$TARGET/images"
app="$REPO/appliance/target/quarkus-app"
kc_dist="$REPO/auth/target/keycloak/keycloak-$KEYCLOAK_VERSION"
realm="$REPO/auth/src/main/resources/slate/keycloak/slate-realm.json"
[ -f "$app/quarkus-run.jar" ] || die "no $app/quarkus-run.jar: run steps/jars.sh first"
[ -x "$kc_dist/bin/kc.sh" ] || die "no Keycloak distribution at $kc_dist: run steps/jars.sh first"
[ -f "$TARGET/base/base.tar" ] || die "no base image: run steps/base-image.sh first"
[ -x "$TARGET/jre/runtime/bin/java" ] || die "no JRE: run steps/jre.sh first"
key="$(cache_key "${BASH_SOURCE[0]}" "$REPO/airgap-bundle/images/pom.xml" "$TARGET/base/base.tar" "$TARGET/jre/.done" \
  "$app" "$kc_dist/version.txt" "$realm" "$VERSION" "$COMMIT" "$BUILD_TIME")"
if cached "$out" "$key"; then log "images: cached ($out/oci)"; exit 0; fi
rm -rf "$out"; mkdir -p "$out"

PATH_IN_IMAGE="/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# Keycloak: a copy of the distribution the build unpacked, built once for PostgreSQL with health and metrics
# (`kc.sh build`, so `start --optimized` never rewrites lib/ at run time), and the realm template to import.
kc_stage="$TARGET/keycloak-image"
kc="$kc_stage/keycloak"
kc_key="$(cache_key "$kc_dist/version.txt" "$realm" "$KEYCLOAK_VERSION" "build --db=postgres --health-enabled=true --metrics-enabled=true")"
if cached "$kc_stage" "$kc_key"; then
  log "images: Keycloak $KEYCLOAK_VERSION built for the image: cached ($kc)"
else
  log "images: Keycloak $KEYCLOAK_VERSION (kc.sh build --db=postgres --health-enabled=true --metrics-enabled=true)"
  rm -rf "$kc_stage"; mkdir -p "$kc_stage"
  cp -a "$kc_dist" "$kc"
  rm -rf "$kc/data" "$kc/slate-build.properties" && mkdir -p "$kc/data/import"   # the marker of the standalone build
  cp "$realm" "$kc/data/import/slate-realm.json"
  (cd "$kc" && JAVA_HOME="$JAVA_HOME" bin/kc.sh build --db=postgres --health-enabled=true --metrics-enabled=true) \
    > "$kc_stage/keycloak-build.log" 2>&1 || { tail -20 "$kc_stage/keycloak-build.log" >&2; die "kc.sh build failed"; }
  rm -rf "$kc/data/tmp" && mkdir "$kc/data/tmp"   # the one place Keycloak writes (mode 777 in the image: images/pom.xml)
  mark_done "$kc_stage" "$kc_key"
fi

# the Jib project has no code; Jib still wants its (empty) class output directory
mkdir -p "$REPO/airgap-bundle/images/target/classes"

jib() { # NAME TITLE LAYER2_FROM LAYER2_INTO ENTRYPOINT ENVIRONMENT PORT DESCRIPTION
  log "images: $1 (Jib)"
  (cd "$REPO" && ./mvnw -B -q -f airgap-bundle/images/pom.xml jib:buildTar \
     -Dimage.base="tar://$TARGET/base/base.tar" -Dimage.name="slate-$1:$VERSION" -Dimage.tar="$out/$1.tar" \
     -Dimage.version="$VERSION" -Dimage.revision="$COMMIT" -Dimage.created="$BUILD_TIME" -Dimage.title="$2" -Dimage.description="$8" \
     -Dimage.layer1.from="$TARGET/jre/runtime" -Dimage.layer1.into=/opt/java \
     -Dimage.layer2.from="$3" -Dimage.layer2.into="$4" -Dimage.port="$7" \
     -Djib.container.entrypoint="$5" -Djib.container.environment="$6") > "$out/$1-jib.log" 2>&1 \
     || { tail -30 "$out/$1-jib.log" >&2; die "Jib failed for $1 (log: $out/$1-jib.log)"; }
  skopeo copy --quiet "oci-archive:$out/$1.tar" "oci:$out/oci:$1-$VERSION"
  rm -f "$out/$1.tar"
}

jib appliance slate-appliance "$app" /opt/slate \
  "/opt/java/bin/java,-XX:MaxRAMPercentage=75,-XX:+ExitOnOutOfMemoryError,--enable-native-access=ALL-UNNAMED,-Djava.io.tmpdir=/tmp,-jar,/opt/slate/quarkus-run.jar" \
  "JAVA_HOME=/opt/java,PATH=$PATH_IN_IMAGE,SLATE_HOME=/var/lib/slate,SLATE_HTTP_HOST=0.0.0.0" 8080 \
  "Slate appliance (Quarkus fast-jar on a jlinked Java runtime)"

jib keycloak slate-keycloak "$kc" /opt/keycloak \
  "/opt/keycloak/bin/kc.sh,start,--optimized,--import-realm" \
  "JAVA_HOME=/opt/java,PATH=$PATH_IN_IMAGE,KC_HTTP_ENABLED=true,KC_HOSTNAME_STRICT=false,KC_HTTP_PORT=8080" 8080 \
  "Keycloak $KEYCLOAK_VERSION for Slate (PostgreSQL, health and metrics on; realm slate imported at start)"

mark_done "$out" "$key"
log "images: $out/oci ($(du -sh "$out/oci" | cut -f1))"
