#!/bin/bash
# SPDX-License-Identifier: MIT
# Boots the QEMU machines the tests use (pc and q35; virtio-blk, virtio-scsi, AHCI,
# IDE, NVMe and USB storage; e1000, e1000e, virtio-net, rtl8139 NICs; a USB keyboard
# and tablet; HDA sound) through qemu/selftest.sh's busybox shim, which loads the bus
# drivers so that the devices behind them appear, and collects every "modalias" file
# of their sysfs (probe-init's "=== MODALIAS" lines).
#
# usage: qemu/collect-modaliases.sh [OUT]   (default tests/kmod/modaliases.txt)
#   The list is sorted and unique, with a header saying how it was made. Each machine's
#   own list also goes to qemu/machines/CASE.modaliases (mkinitfs --hostonly
#   --modaliases and --check use them in qemu/check.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../tests/kmod/modaliases.txt}
work=${EARLYMOD_BUILD:-$here/../build}/qemu/selftest
devs_pc="-device e1000 -device rtl8139 -device qemu-xhci,id=kbdusb -device usb-kbd,bus=kbdusb.0 -device usb-tablet,bus=kbdusb.0"
devs_q35="-device e1000e -device virtio-net-pci -device intel-hda -device hda-duplex"
SELFTEST_APPEND=probe.modaliases SELFTEST_QEMU_ARGS="$devs_pc" \
	"$here/selftest.sh" ext4:virtio xfs:scsi ext4:ide ext4:usb ext4:ahci
SELFTEST_APPEND=probe.modaliases SELFTEST_QEMU_ARGS="$devs_q35" \
	"$here/selftest.sh" ext4:ahci:q35 ext4:nvme:q35 ext4:virtio:q35 ext4:usb:q35
{
	echo "# modaliases of the QEMU machines in qemu/collect-modaliases.sh (sysfs)"
	cat "$work"/*.log | tr -d '\r' | sed -n 's/^=== MODALIAS //p' | sort -u
} >"$out.tmp"
mv -f "$out.tmp" "$out"
for log in "$work"/*.log; do
	c=$(basename "$log" .log)
	grep -q '^=== MODALIAS ' "$log" || continue
	{
		echo "# modaliases of qemu/boot.sh's machine in $c (qemu/collect-modaliases.sh)"
		tr -d '\r' <"$log" | sed -n 's/^=== MODALIAS //p' | sort -u
	} >"$here/machines/$c.modaliases"
done
echo "$(grep -vc '^#' "$out") modaliases in $out"
