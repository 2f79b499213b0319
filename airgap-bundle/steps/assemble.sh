#!/usr/bin/env bash
# Step: lay out the bundle directory and pack it into the signed tar (slate bundle pack: manifest.json with the
# SHA-256 and size of every file, manifest.json.sig with the Ed25519 signature), then check the result twice:
# with `slate bundle verify` (the key built into the CLI) and with openssl (the public key file).
#   out: target/slate-bundle-VERSION.tar, target/slate-bundle-VERSION.pub.pem (hand this over separately)
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
signing="${SLATE_BUNDLE_SIGNING_DIR:-$HOME/.slate/bundle-signing}"
dir="$TARGET/bundle/slate-bundle-$VERSION"
tar_out="$TARGET/slate-bundle-$VERSION.tar"
cli_jar="$REPO/installer/target/slate-installer-$VERSION.jar"
kc_dist="$REPO/auth/target/keycloak/keycloak-$KEYCLOAK_VERSION"
[ -f "$cli_jar" ] || die "no $cli_jar: run steps/jars.sh first"
[ -f "$TARGET/images/.done" ] || die "no images: run steps/images.sh first"
[ -x "$kc_dist/bin/kc.sh" ] || die "no Keycloak distribution at $kc_dist: run steps/jars.sh first"

log "assemble: $dir"
# The layout `slate install --standalone` reads from an unpacked bundle (docs/install.md), plus images/, helm/,
# sbom/ and docs/. Copies dereference links: a bundle holds only files and directories.
rm -rf "$TARGET/bundle"; mkdir -p "$dir"/{images,cli/lib,auth,keycloak,docs,sbom}
cp -a "$TARGET/images/oci/." "$dir/images/"
if [ -d "$REPO/helm/slate" ]; then
  mkdir -p "$dir/helm" && cp -rL "$REPO/helm/slate" "$dir/helm/slate"
else
  log "assemble: no helm/slate chart in this checkout: the bundle has no helm/"
fi
cp "$cli_jar" "$dir/cli/"
cp "$REPO"/installer/target/lib/*.jar "$dir/cli/lib/"
install -m 0755 "$BUNDLE_HOME/cli-launcher.sh" "$dir/cli/slate"
cp -rL "$REPO/appliance/target/quarkus-app" "$dir/appliance"
cp "$REPO/auth/target/slate-auth-$VERSION.jar" "$dir/auth/"
tr ':' '\n' < "$REPO/auth/target/launcher.classpath" | while read -r jar || [ -n "$jar" ]; do [ -n "$jar" ] && cp "$jar" "$dir/auth/"; done
# a production build of Keycloak (kc.sh build, once per distribution): the standalone host starts it with
# `kc.sh start --optimized` (docs/install.md)
"$JAVA_HOME/bin/java" -cp "$REPO/auth/target/slate-auth-$VERSION.jar:$(cat "$REPO/auth/target/launcher.classpath")" \
  dev.slate.auth.keycloak.KeycloakCommand build --dist "$kc_dist" >&2
cp -rL "$kc_dist" "$dir/keycloak/keycloak-$KEYCLOAK_VERSION"
rm -rf "$dir/keycloak/keycloak-$KEYCLOAK_VERSION/data"
cp "$REPO/auth/src/main/resources/slate/keycloak/slate-realm.json" "$dir/keycloak/"
cp -rL "$TARGET/jre/runtime" "$dir/jre"
cp -rL "$REPO/docs/." "$dir/docs/"
cp "$REPO/README.md" "$dir/docs/README.md"
cp "$REPO/target/bom.json" "$dir/sbom/bom.json"

log "assemble: pack and sign ($signing/private.pem)"
"$JAVA_HOME/bin/java" -cp "$cli_jar:$REPO/installer/target/lib/*" dev.slate.installer.SlateCli bundle pack "$dir" \
  --version "$VERSION" --commit "$COMMIT" --build-time "$BUILD_TIME" --signing-key "$signing/private.pem" --out "$tar_out"
cp "$signing/public.pem" "$TARGET/slate-bundle-$VERSION.pub.pem"

log "assemble: verify with the CLI (pinned key) and with openssl"
"$dir/cli/slate" bundle verify "$tar_out" --expect-version "$VERSION" >&2
check="$TARGET/bundle/openssl-check"; mkdir -p "$check"
tar -xf "$tar_out" -C "$check" "slate-bundle-$VERSION/manifest.json" "slate-bundle-$VERSION/manifest.json.sig"
openssl pkeyutl -verify -pubin -inkey "$signing/public.pem" -rawin \
  -in "$check/slate-bundle-$VERSION/manifest.json" -sigfile "$check/slate-bundle-$VERSION/manifest.json.sig" >&2 \
  || die "openssl does not verify the manifest signature"
rm -rf "$check"
