#!/usr/bin/env bash
# Step: the bundle signing key pair (Ed25519), kept outside git in $SLATE_BUNDLE_SIGNING_DIR (default
# ~/.slate/bundle-signing, 0700; private.pem 0600), generated on the first build. The public key is copied to
# target/pinned-key/pinned-public-key.pem, which the CLI build pins (installer/pom.xml, slate.bundle.public-key-dir).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
dir="${SLATE_BUNDLE_SIGNING_DIR:-$HOME/.slate/bundle-signing}"
if [ ! -f "$dir/private.pem" ]; then
  log "signing key: generating an Ed25519 key pair in $dir (first build on this machine)"
  mkdir -p "$dir"; chmod 700 "$dir"
  (umask 077 && openssl genpkey -algorithm ed25519 -out "$dir/private.pem")
fi
openssl pkey -in "$dir/private.pem" -pubout -out "$dir/public.pem"
mkdir -p "$TARGET/pinned-key"
cp "$dir/public.pem" "$TARGET/pinned-key/pinned-public-key.pem"
