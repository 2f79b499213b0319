#!/usr/bin/env bash
# A signed offline bundle with only what a standalone host installs (cli/, appliance/, auth/, keycloak/, jre/), from
# this built checkout, for the standalone tests (installer/test-zero-egress.sh --from-bundle, upgrades from bundles)
# when the full bundle (airgap-bundle/build.sh: also the container images, Helm chart, SBOM; about 20 minutes cold
# and debootstrap/umoci/skopeo) is not at hand. Same format and signature as the full bundle (slate bundle pack).
#
#   installer/make-standalone-bundle.sh OUT_DIR [VERSION]
#
# Writes OUT_DIR/slate-bundle-VERSION.tar and OUT_DIR/slate-bundle-VERSION.pub.pem (the public key of the signing
# key: a throwaway Ed25519 key made for this bundle, or $SLATE_BUNDLE_SIGNING_KEY, a private key PEM file, so that
# several bundles are signed alike as a vendor's would be). VERSION defaults to the root pom's. The bundle's CLI jar
# is the checkout's with two entries set as the bundle build sets them: its Implementation-Version is VERSION (what
# `slate --version` prints), and it pins the signing key (dev/slate/installer/bundle/pinned-public-key.pem), so an
# install of this bundle checks the next bundle (an upgrade) with it. A VERSION other than the checkout's is therefore
# a version-bumped build of the same code: the manifest, the CLI and versions/VERSION of an install all say VERSION.
# Needs the checkout built (./mvnw -B -DskipTests package -pl installer,appliance,auth -am), openssl, zip and unzip.
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
signing_key="${SLATE_BUNDLE_SIGNING_KEY:-$work/private.pem}"
[ -n "${SLATE_BUNDLE_SIGNING_KEY:-}" ] || (umask 077 && openssl genpkey -algorithm ed25519 -out "$signing_key")
openssl pkey -in "$signing_key" -pubout -out "$out/slate-bundle-$version.pub.pem"

# the JRE as airgap-bundle/steps/jre.sh makes it (cached in OUT_DIR/target between runs)
SLATE_BUNDLE_TARGET="$out/target" bash "$repo/airgap-bundle/steps/jre.sh"

dir="$work/slate-bundle-$version"
mkdir -p "$dir"/{cli/lib,auth,keycloak}
cp "$cli_jar" "$dir/cli/slate-installer-$version.jar"
# VERSION into the copy's manifest (the Implementation-Version line the jar plugin wrote; Maven writes CRLF) and the
# signing key beside it, replaced in place with zip (`jar --update --manifest` would merge and warn of the duplicate)
mkdir -p "$work/cli-jar/META-INF" "$work/cli-jar/dev/slate/installer/bundle"
unzip -p "$cli_jar" META-INF/MANIFEST.MF | sed "s/^Implementation-Version: [^\r]*/Implementation-Version: $version/" \
  > "$work/cli-jar/META-INF/MANIFEST.MF"
grep -q "^Implementation-Version: $version" "$work/cli-jar/META-INF/MANIFEST.MF" \
  || { echo "no Implementation-Version in the manifest of $cli_jar" >&2; exit 1; }
cp "$out/slate-bundle-$version.pub.pem" "$work/cli-jar/dev/slate/installer/bundle/pinned-public-key.pem"
(cd "$work/cli-jar" && zip -q "$dir/cli/slate-installer-$version.jar" META-INF/MANIFEST.MF \
  dev/slate/installer/bundle/pinned-public-key.pem)
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
  --signing-key "$signing_key" --out "$out/slate-bundle-$version.tar"
rm -rf "$work"
echo "bundle: $out/slate-bundle-$version.tar ($(du -h "$out/slate-bundle-$version.tar" | cut -f1)), key" \
  "$out/slate-bundle-$version.pub.pem, made in $((SECONDS - started)) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
