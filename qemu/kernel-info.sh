#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints the facts about an extracted Debian kernel package that the boot tests need.
#
# usage: qemu/kernel-info.sh ROOT
#   ROOT is what qemu/fetch-kernel.sh printed. Prints shell assignments, one a line:
#     KVER=6.1.0-50-amd64
#     VMLINUZ=ROOT/boot/vmlinuz-6.1.0-50-amd64
#     MODDIR=ROOT/lib/modules/6.1.0-50-amd64
#     CONFIG=ROOT/boot/config-6.1.0-50-amd64
#   Values are single-quoted when they hold anything but [A-Za-z0-9_./:+=-], so
#   `eval "$(qemu/kernel-info.sh "$root")"` is safe.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 ROOT" >&2
	exit 2
fi
root=${1%/}

moddir=
for d in "$root/lib/modules" "$root/usr/lib/modules"; do
	[ -d "$d" ] || continue
	n=0
	for k in "$d"/*; do
		[ -d "$k" ] || continue
		n=$((n + 1))
		moddir=$k
	done
	if [ "$n" -gt 1 ]; then
		echo "kernel-info.sh: $d: more than one kernel version" >&2
		exit 1
	fi
	[ -n "$moddir" ] && break
done
if [ -z "$moddir" ]; then
	echo "kernel-info.sh: $root: no lib/modules/VERSION directory" >&2
	exit 1
fi
kver=${moddir##*/}

vmlinuz=
for v in "$root/boot/vmlinuz-$kver" "$root/boot/vmlinux-$kver" "$moddir/vmlinuz"; do
	if [ -f "$v" ]; then
		vmlinuz=$v
		break
	fi
done
if [ -z "$vmlinuz" ]; then
	echo "kernel-info.sh: $root: no boot/vmlinuz-$kver" >&2
	exit 1
fi

config=$root/boot/config-$kver
[ -f "$config" ] || config=

emit()
{
	case $2 in
	*[!A-Za-z0-9_./:+=-]*)
		printf "%s='%s'\n" "$1" "$(printf '%s' "$2" | sed "s/'/'\\\\''/g")"
		;;
	*)
		printf '%s=%s\n' "$1" "$2"
		;;
	esac
}

emit KVER "$kver"
emit VMLINUZ "$vmlinuz"
emit MODDIR "$moddir"
emit CONFIG "$config"
