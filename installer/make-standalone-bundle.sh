#!/usr/bin/env bash
# A signed offline bundle with only what a standalone host installs (cli/, appliance/, auth/, keycloak/, jre/), from
# this built checkout, for the standalone tests (installer/test-zero-egress.sh --from-bundle, upgrades from bundles)
# when the full bundle (airgap-bundle/build.sh: also the container images, Helm chart, SBOM; about 20 minutes cold
# and debootstrap/umoci/skopeo) is not at hand. Same format and signature as the full bundle (slate bundle pack).
#
#   installer/make-standalone-bundle.sh OUT_DIR [VERSION]
#
# Writes OUT_DIR/slate-bundle-VERSION.tar and OUT_DIR/slate-bundle-VERSION.pub.pem (a throwaway Ed25519 key made
# for this bundle; give it to the installer with --public-key). VERSION defaults to the root pom's. Needs the
# checkout built (./mvnw -B -DskipTests package -pl installer,appliance,auth -am) and openssl.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
out="$(mkdir -p "$1" && cd "$1" && pwd -P)"
version="${2:-$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$repo/pom.xml" | head -1)}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cli_jar="$(ls "$repo"/installer/target/slate-installer-*.jar | grep -v -e sources -e tests | head -1)"
kc_dist="$(ls -d "$repo"/auth/target/keycloak/keycloak-* | head -1)"
started=$SECONDS

work="$out/work"
rm -rf "$work"; mkdir -p "$work"
(umask 077 && openssl genpkey -algorithm ed25519 -out "$work/private.pem")
openssl pkey -in "$work/private.pem" -pubout -out "$out/slate-bundle-$version.pub.pem"

# the JRE as airgap-bundle/steps/jre.sh makes it (cached in OUT_DIR/target between runs)
SLATE_BUNDLE_TARGET="$out/target" bash "$repo/airgap-bundle/steps/jre.sh"

dir="$work/slate-bundle-$version"
mkdir -p "$dir"/{cli/lib,auth,keycloak}
cp "$cli_jar" "$dir/cli/slate-installer-$version.jar"
cp "$repo"/installer/target/lib/*.jar "$dir/cli/lib/"
cp -rL "$repo/appliance/target/quarkus-app" "$dir/appliance"
cp "$(ls "$repo"/auth/target/slate-auth-*.jar | head -1)" "$dir/auth/"
tr ':' '\n' < "$repo/auth/target/launcher.classpath" | while read -r jar || [ -n "$jar" ]; do [ -n "$jar" ] && cp "$jar" "$dir/auth/"; done
# Keycloak as a production build (kc.sh build, once per distribution: later bundles reuse it), so the installed
# Keycloak starts with `kc.sh start --optimized` instead of re-augmenting on its first start (docs/install.md)
"$JAVA_HOME/bin/java" -cp "$(ls "$repo"/auth/target/slate-auth-*.jar | head -1):$(cat "$repo/auth/target/launcher.classpath")" \
  dev.slate.auth.keycloak.KeycloakCommand build --dist "$kc_dist"
cp -rL "$kc_dist" "$dir/keycloak/$(basename "$kc_dist")"
rm -rf "$dir/keycloak/$(basename "$kc_dist")/data"
cp -rL "$out/target/jre/runtime" "$dir/jre"

"$JAVA_HOME/bin/java" -cp "$cli_jar:$repo/installer/target/lib/*" dev.slate.installer.SlateCli bundle pack "$dir" \
  --version "$version" --commit "$(git -C "$repo" rev-parse HEAD)" --build-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --signing-key "$work/private.pem" --out "$out/slate-bundle-$version.tar"
rm -rf "$work"
echo "bundle: $out/slate-bundle-$version.tar ($(du -h "$out/slate-bundle-$version.tar" | cut -f1)), key" \
  "$out/slate-bundle-$version.pub.pem, made in $((SECONDS - started)) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
