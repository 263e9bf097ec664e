#!/bin/sh
# install-deps.sh: installs, with apt-get, every Debian package the build, the tests,
# the QEMU boots and the benchmarks need; does nothing when all are there.
set -eu
pkgs="gcc make musl-tools libzstd-dev liblzma-dev zlib1g-dev kmod cpio zstd xz-utils gzip
qemu-system-x86 e2fsprogs xfsprogs btrfs-progs dosfstools f2fs-tools gdisk fdisk
util-linux hyperfine dpkg bc jq busybox-static"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: need root to install$missing" >&2
	exit 1
fi
apt-get update -q >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
