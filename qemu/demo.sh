#!/bin/bash
# SPDX-License-Identifier: MIT
# The demo: fetch the Debian 6.1 kernel, make the default image with mkinitfs (the
# generic kind: every storage, filesystem and keyboard driver), boot it in QEMU on an
# ext4 root disk on virtio, and show what the loader loaded for the machine's devices.
# DEMO_LISTED=1 makes a small image of only virtio_pci, virtio_blk and ext4 instead.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${EARLYMOD_BUILD:-$top/build}/qemu/demo
mkdir -p "$out"
"$here/deps.sh"
"$here/build-inits.sh" >/dev/null
kpkg=$("$here/fetch-kernel.sh" linux-image-6.1.0-50-amd64)
eval "$("$here/kernel-info.sh" "$kpkg")"
echo "kernel:  $VMLINUZ ($KVER)"
"$here/mkroot.sh" "$out/root.img" ext4 demo-root >/dev/null
start=$(date +%s.%N)
if [ "${DEMO_LISTED:-0}" = 1 ]; then
	"$top/build/mkinitfs" -b "$kpkg" -k "$KVER" -m virtio_pci -m virtio_blk -m ext4 \
		--no-modules-load --listed -o "$out/initrd.img"
else
	"$top/build/mkinitfs" -b "$kpkg" -k "$KVER" --no-modules-load -o "$out/initrd.img"
fi
end=$(date +%s.%N)
printf 'image:   %s, %d bytes, made in %.2f s\n' "$out/initrd.img" \
	"$(stat -c %s "$out/initrd.img")" "$(echo "$end - $start" | bc 2>/dev/null || echo 0)"
echo "booting: qemu (TCG), root=LABEL=demo-root ..."
"$here/boot.sh" --name demo --kernel "$VMLINUZ" --initrd "$out/initrd.img" \
	--disk "$out/root.img:if=virtio" --append "root=LABEL=demo-root earlymod.debug" --expect-marker \
	--expect-modules "virtio_blk ext4" --log "$out/serial.log" --timeout 120
echo
echo "earlymod's messages:"
grep -a 'earlymod: ' "$out/serial.log" | grep -v 'earlymod: command line' | sed 's/^/  /' |
	head -60
echo
echo "modules loaded when the real root's init started (/proc/modules):"
sed -n '/=== MODULES BEGIN/,/=== MODULES END/p' "$out/serial.log" | grep -v '===' |
	awk '{printf "  %-20s %8s bytes\n", $1, $2}'
echo
echo "full serial log: $out/serial.log"
