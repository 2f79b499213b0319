#!/usr/bin/env bash
# Step: the base image from Debian packages, no registry involved: debootstrap --variant=minbase bookworm from this
# machine's Debian mirror (cached as target/base/debootstrap.tar: it is the slow part), trimmed (docs, man pages,
# locales, apt lists and caches), a non-root user slate (uid/gid 10001) owning /var/lib/slate, then an OCI layout
# with umoci and a docker-archive (what Jib's `tar://` base reads) with skopeo.
#   out: target/base/oci (OCI layout, ref VERSION), target/base/base.tar (docker-archive slate-base:VERSION)
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
need debootstrap:debootstrap umoci:umoci skopeo:skopeo
out="$TARGET/base"
key="$(cache_key "${BASH_SOURCE[0]}" "$VERSION" "$COMMIT")"
if cached "$out" "$key"; then log "base image: cached ($out/base.tar)"; exit 0; fi
mkdir -p "$out"
rootfs="$out/rootfs"
rm -rf "$rootfs" "$out/oci" "$out/base.tar" "$out/.done"

if [ ! -f "$out/debootstrap.tar" ]; then
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  [ -n "$mirror" ] || mirror="$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
  [ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  log "base image: debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$out/debootstrap.log" 2>&1 \
    || { tail -20 "$out/debootstrap.log" >&2; die "debootstrap failed (log: $out/debootstrap.log)"; }
  tar -C "$rootfs" --numeric-owner -cf "$out/debootstrap.tar.partial" . && mv "$out/debootstrap.tar.partial" "$out/debootstrap.tar"
else
  log "base image: debootstrap result cached ($out/debootstrap.tar)"
  mkdir -p "$rootfs" && tar -C "$rootfs" --numeric-owner -xpf "$out/debootstrap.tar"
fi

# Packages beyond minbase: libssl3 for the embedded Redis of the appliance's standalone mode (its redis-server
# links libssl.so.3). Installed with the image's own apt from the same mirror, then its lists are dropped again.
EXTRA_PACKAGES="libssl3"
log "base image: apt-get install $EXTRA_PACKAGES (in the root filesystem)"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
chroot "$rootfs" /usr/bin/apt-get -q update > "$out/apt.log" 2>&1 \
  && DEBIAN_FRONTEND=noninteractive chroot "$rootfs" /usr/bin/apt-get install -y -q --no-install-recommends $EXTRA_PACKAGES \
     >> "$out/apt.log" 2>&1 || { tail -20 "$out/apt.log" >&2; die "apt-get install $EXTRA_PACKAGES in the base image failed"; }
chroot "$rootfs" /usr/bin/apt-get clean
: > "$rootfs/etc/resolv.conf"

log "base image: trim, user $APP_UID, /var/lib/slate"
rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
       "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian "$rootfs"/usr/share/linda \
       "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
       "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/var/tmp/*
chroot "$rootfs" /usr/bin/getent group slate >/dev/null || chroot "$rootfs" /usr/sbin/groupadd --gid "$APP_UID" slate
if chroot "$rootfs" /usr/bin/getent passwd slate >/dev/null; then
  chroot "$rootfs" /usr/sbin/usermod --home /var/lib/slate slate
else
  chroot "$rootfs" /usr/sbin/useradd --uid "$APP_UID" --gid "$APP_UID" --home-dir /var/lib/slate --no-create-home \
    --shell /usr/sbin/nologin slate
fi
rm -rf "$rootfs/home/slate"
install -d -m 0750 -o "$APP_UID" -g "$APP_UID" "$rootfs/var/lib/slate"
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"

log "base image: OCI layout (umoci) and docker-archive (skopeo)"
umoci init --layout "$out/oci"
umoci new --image "$out/oci:$VERSION"
umoci insert --image "$out/oci:$VERSION" "$rootfs" / > /dev/null
umoci config --image "$out/oci:$VERSION" --os linux --architecture amd64 \
  --config.user "$APP_UID:$APP_UID" --config.workingdir /var/lib/slate \
  --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --config.env "LANG=C.UTF-8" \
  --config.label "org.opencontainers.image.title=slate-base" \
  --config.label "org.opencontainers.image.description=Debian bookworm minbase for the Slate images" \
  --config.label "org.opencontainers.image.version=$VERSION" \
  --config.label "org.opencontainers.image.revision=$COMMIT" \
  --config.label "org.opencontainers.image.created=$BUILD_TIME" \
  --history.created_by "airgap-bundle/steps/base-image.sh (debootstrap minbase bookworm)"
umoci gc --layout "$out/oci"
skopeo copy --quiet "oci:$out/oci:$VERSION" "docker-archive:$out/base.tar:slate-base:$VERSION"
log "base image: rootfs $(du -sh "$rootfs" | cut -f1), $out/base.tar $(du -h "$out/base.tar" | cut -f1)"
rm -rf "$rootfs"
mark_done "$out" "$key"
