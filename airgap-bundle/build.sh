#!/usr/bin/env bash
# Builds the offline bundle in one command: airgap-bundle/target/slate-bundle-VERSION.tar (docs/install.md,
# "The offline bundle"). Each step is a script under steps/ that caches its result under target/ and can be run
# alone; a rerun redoes only what changed (the Maven build always runs, incrementally).
#   SLATE_VERSION=…               the bundle's version (default: the root pom's)
#   SLATE_BUNDLE_SIGNING_DIR=…    where the signing key pair lives (default ~/.slate/bundle-signing; made on first use)
# Needs root for debootstrap and apt-get (debootstrap, umoci and skopeo are installed when missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
export SLATE_BUILD_TIME="${SLATE_BUILD_TIME:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
. "$here/lib.sh"
export SLATE_COMMIT="$COMMIT"
mkdir -p "$TARGET"
started=$(date +%s)
log "Slate $VERSION (commit $COMMIT), build time $BUILD_TIME"
for step in signing-key jars base-image jre images assemble; do
  t0=$(date +%s)
  bash "$here/steps/$step.sh"
  log "step $step: $(( $(date +%s) - t0 )) s"
done
tar_out="$TARGET/slate-bundle-$VERSION.tar"
pub="$TARGET/slate-bundle-$VERSION.pub.pem"
echo
echo "Bundle:     $tar_out ($(du -h "$tar_out" | cut -f1))"
echo "Built in:   $(( $(date +%s) - started )) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "Public key: $pub — give it to installers by a separate channel; they pin it (slate bundle verify --public-key):"
cat "$pub"
echo "Fingerprint: SHA256:$(openssl pkey -pubin -in "$pub" -outform DER | sha256sum | cut -d' ' -f1)"
