#!/bin/sh
# SPDX-License-Identifier: MIT
# Downloads and unpacks a Debian kernel package into a cache, once; prints where it is.
#
# usage: qemu/fetch-kernel.sh [PACKAGE]
#   PACKAGE defaults to linux-image-6.1.0-50-amd64 (also tested:
#   linux-image-6.1.0-50-cloud-amd64-unsigned).
#   Cache: ${EARLYMOD_CACHE:-$HOME/.cache/earlymod}; the .deb goes to CACHE/debs, the
#   package is unpacked into CACHE/PACKAGE. Prints CACHE/PACKAGE on stdout, everything
#   else goes to stderr. When already unpacked it only prints. Then:
#     eval "$(qemu/kernel-info.sh "$(qemu/fetch-kernel.sh)")"   # sets KVER, VMLINUZ...
set -eu

pkg=${1:-linux-image-6.1.0-50-amd64}
case $pkg in
'' | */* | .*)
	echo "fetch-kernel.sh: bad package name '$pkg'" >&2
	exit 2
	;;
esac
here=$(cd "$(dirname "$0")" && pwd)
cache=${EARLYMOD_CACHE:-$HOME/.cache/earlymod}
root=$cache/$pkg

# Fast path: the rename below makes a present directory a complete one.
if [ -d "$root" ] && "$here/kernel-info.sh" "$root" >/dev/null 2>&1; then
	printf '%s\n' "$root"
	exit 0
fi

"$here/deps.sh" dpkg-deb flock >&2
mkdir -p "$cache/debs"

# Two test runs may start at once: one downloads, the other waits.
exec 9>"$cache/.lock-$pkg"
flock 9
if [ -d "$root" ] && "$here/kernel-info.sh" "$root" >/dev/null 2>&1; then
	printf '%s\n' "$root"
	exit 0
fi

newest_deb()
{
	# Versions are made of [0-9a-z.+~-]; an epoch shows as %3a. sort -V is close enough
	# to dpkg's order for "the one we just downloaded, or the newest".
	for f in "$cache/debs/${pkg}_"*.deb; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done | sort -V | tail -n 1
}

deb=$(newest_deb)
if [ -z "$deb" ]; then
	echo "fetch-kernel.sh: downloading $pkg" >&2
	if ! (cd "$cache/debs" && apt-get download "$pkg") >&2; then
		# A fresh machine has no package lists yet: fetch them once and retry.
		echo "fetch-kernel.sh: apt-get download failed; running apt-get update" >&2
		apt-get update -q >&2
		(cd "$cache/debs" && apt-get download "$pkg") >&2
	fi
	deb=$(newest_deb)
	if [ -z "$deb" ]; then
		echo "fetch-kernel.sh: apt-get download left no ${pkg}_*.deb in $cache/debs" >&2
		exit 1
	fi
fi

echo "fetch-kernel.sh: unpacking ${deb##*/}" >&2
tmp=$(mktemp -d "$cache/.unpack-$pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
chmod 755 "$tmp"
"$here/kernel-info.sh" "$tmp" >/dev/null
# A half-unpacked directory left by a killed run of an older version of this script
# would block the rename: it is not complete (kernel-info failed above), so drop it.
rm -rf "$root"
mv -T "$tmp" "$root"
trap - EXIT
printf '%s\n' "$root"
