#!/usr/bin/env bash
# Builds Duely's release image without pulling any image: the release binary and web app
# (as infra/Dockerfile builds them), a Debian 12 minbase root made by debootstrap from Debian's
# mirror, then buildah turns that root into an OCI image `duely:<version>` (vfs storage, so it
# needs neither overlayfs nor a daemon). Run by hand, never from test.sh:
#   ./infra/image.sh                 # builds, then prints the image and its size
#   ./infra/image.sh --dir-only      # stops at the root directory (where containers cannot run)
# Where buildah cannot commit (no user namespaces, say), the root directory is the result: it is
# what the image would hold, and `chroot "$OUT/rootfs" /usr/local/bin/duely --help` runs it.
# Without a container engine, buildah (with Debian's crun) still runs the image:
#   c=$(buildah --storage-driver vfs from duely:0.1.0)
#   buildah --storage-driver vfs run --isolation chroot -e DATABASE_URL=… "$c" -- duely serve
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

DIR_ONLY=0
[ "${1:-}" = "--dir-only" ] && DIR_ONLY=1
VERSION="$(grep -m1 '^version' Cargo.toml | sed -E 's/.*"(.*)".*/\1/')"
OUT="${OUT:-$CARGO_TARGET_DIR/duely-image}"
ROOT="$OUT/rootfs"

ensure_cargo
build_frontend
say "building the server (release)"
cargo build --release --locked -p duely-backend --bin duely
strip -o "$OUT.duely" "$CARGO_TARGET_DIR/release/duely" 2>/dev/null ||
  cp "$CARGO_TARGET_DIR/release/duely" "$OUT.duely"

command -v debootstrap >/dev/null || apt_install debootstrap
say "making a Debian 12 minbase root in $ROOT"
as_root rm -rf "$ROOT"
mkdir -p "$OUT"
as_root debootstrap --variant=minbase --include=ca-certificates,fonts-noto-cjk bookworm "$ROOT" \
  http://deb.debian.org/debian >"$OUT/debootstrap.log" 2>&1 ||
  die "debootstrap failed; see $OUT/debootstrap.log"
# What a runtime image does not need: package lists, caches, docs and locales.
as_root rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/* "$ROOT"/usr/share/doc/* \
  "$ROOT"/usr/share/man/* "$ROOT"/usr/share/locale/* "$ROOT"/usr/share/fonts/opentype/noto/NotoSerifCJK*
as_root chroot "$ROOT" groupadd --gid 10001 duely
as_root chroot "$ROOT" useradd --uid 10001 --gid 10001 --no-create-home duely
as_root install -m 0755 "$OUT.duely" "$ROOT/usr/local/bin/duely"
as_root mkdir -p "$ROOT/app"
as_root cp -r "$WEB_DIST" "$ROOT/app/web"
as_root chroot "$ROOT" /usr/local/bin/duely --help >/dev/null || die "the binary does not run in the root"
say "root directory: $(as_root du -sh "$ROOT" | cut -f1) ($ROOT)"
[ "$DIR_ONLY" -eq 1 ] && exit 0

command -v buildah >/dev/null || apt_install buildah
export STORAGE_DRIVER=vfs
say "committing duely:$VERSION with buildah"
if ! container="$(as_root buildah --storage-driver vfs from scratch 2>"$OUT/buildah.log")"; then
  say "buildah cannot make a container here (see $OUT/buildah.log); the root directory is the result"
  exit 0
fi
as_root buildah --storage-driver vfs copy "$container" "$ROOT/" / >>"$OUT/buildah.log" 2>&1
as_root buildah --storage-driver vfs config \
  --user 10001:10001 --entrypoint '["duely"]' --cmd serve --port 8080 --port 9090 \
  --env HOST=0.0.0.0 --env PORT=8080 --env DUELY_WEB_DIR=/app/web --env DUELY_LOG_FORMAT=json \
  --env DUELY_METRICS_ADDR=0.0.0.0:9090 --env DUELY_DATA_DIR=/tmp/duely \
  --healthcheck "CMD-SHELL exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && head -n1 <&3 | grep -q ' 200 '" \
  --label org.opencontainers.image.title=duely --label "org.opencontainers.image.version=$VERSION" \
  "$container" >>"$OUT/buildah.log" 2>&1
as_root buildah --storage-driver vfs commit --format docker --rm "$container" "duely:$VERSION" \
  >>"$OUT/buildah.log" 2>&1 || die "buildah commit failed; see $OUT/buildah.log"
as_root buildah --storage-driver vfs images "duely:$VERSION"
