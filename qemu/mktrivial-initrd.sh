#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds the baseline initramfs: trivial-init as /init, /dev/console, /proc; zstd.
#
# usage: qemu/mktrivial-initrd.sh OUT.img
#   No root needed (qemu/gen-cpio.sh writes the device node). /dev/console must be in
#   the archive: the Debian kernel does not mount devtmpfs by itself
#   (CONFIG_DEVTMPFS_MOUNT is off), and without it init starts with no stdin/out/err.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
	echo "usage: $0 OUT.img" >&2
	exit 2
fi
out=$1

"$here/deps.sh" zstd
bin=$("$here/build-inits.sh")
"$here/gen-cpio.sh" - <<LIST | zstd -q -19 -f -o "$out.tmp.$$"
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0555 0 0
file /init $bin/trivial-init 0755 0 0
LIST
mv -f "$out.tmp.$$" "$out"
