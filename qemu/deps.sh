#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs (with apt-get) the host tools the qemu/ scripts need, only if one is missing.
#
# usage: qemu/deps.sh [TOOL...]
#   With no TOOL, checks every tool any qemu/ or bench/ script uses. With TOOLs (binary
#   names from the table below), checks only those. Silent when nothing is missing.
set -eu

# binary:package, one a line. sbin tools are looked up in the sbin dirs too, because a
# non-root PATH often lacks them.
table='qemu-system-x86_64:qemu-system-x86
musl-gcc:musl-tools
mkfs.ext4:e2fsprogs
debugfs:e2fsprogs
mkfs.xfs:xfsprogs
xfs_db:xfsprogs
mkfs.btrfs:btrfs-progs
sgdisk:gdisk
mkfs.vfat:dosfstools
blkid:util-linux
flock:util-linux
cpio:cpio
zstd:zstd
timeout:coreutils
dpkg-deb:dpkg
awk:mawk
od:coreutils
busybox:busybox-static
modinfo:kmod'

have()
{
	command -v "$1" >/dev/null 2>&1 && return 0
	for d in /usr/local/sbin /usr/sbin /sbin; do
		[ -x "$d/$1" ] && return 0
	done
	return 1
}

pkg_of()
{
	printf '%s\n' "$table" | awk -F: -v b="$1" '$1 == b { print $2; exit }'
}

if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046 # tool names have no spaces
	set -- $(printf '%s\n' "$table" | cut -d: -f1)
fi

missing=
for tool; do
	have "$tool" && continue
	pkg=$(pkg_of "$tool")
	if [ -z "$pkg" ]; then
		echo "deps.sh: don't know which package provides '$tool'" >&2
		exit 2
	fi
	case " $missing " in
	*" $pkg "*) ;;
	*) missing="$missing $pkg" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
sudo=
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo='sudo'
	else
		echo "deps.sh: not root and no sudo: install$missing by hand" >&2
		exit 1
	fi
fi
# shellcheck disable=SC2086 # $missing is a word list on purpose
$sudo env DEBIAN_FRONTEND=noninteractive sh -c \
	'apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "$@" >&2' \
	deps.sh $missing
