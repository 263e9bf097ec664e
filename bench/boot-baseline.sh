#!/bin/bash
# SPDX-License-Identifier: MIT
# Boots an initramfs holding only a trivial /init a few times and tables how long it took.
#
# usage: bench/boot-baseline.sh [--runs N] [--kernel PKG|VMLINUZ] [--machine pc|q35]
#                               [--append "ARGS"] [--keep DIR]
#   Defaults: 3 runs, linux-image-6.1.0-50-amd64, pc. QEMU runs under TCG (no KVM), so
#   times are this machine's emulation speed, not a real machine's: compare them only
#   with other runs on the same machine. Columns:
#     run-init  printk time of the kernel's "Run /init as init process" line
#     uptime    /proc/uptime as read by the trivial /init: the earliest any initramfs
#               can get to userspace with this kernel
#     wall      host seconds for the whole qemu run, kernel load to power-off
#   --keep DIR keeps the initramfs and serial logs there.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
qemu=$here/../qemu

runs=3
kernel=linux-image-6.1.0-50-amd64
machine=pc
append=
keep=
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=${2:?}; shift ;;
	--kernel) kernel=${2:?}; shift ;;
	--machine) machine=${2:?}; shift ;;
	--append) append=${2:?}; shift ;;
	--keep) keep=${2:?}; shift ;;
	-h | --help)
		awk 'NR >= 4 && /^#/ { sub(/^# ?/, ""); print; next } NR >= 4 { exit }' "$0" >&2
		exit 2
		;;
	*)
		echo "boot-baseline.sh: unknown argument '$1'" >&2
		exit 2
		;;
	esac
	shift
done
case $runs in
'' | *[!0-9]* | 0) echo "boot-baseline.sh: --runs takes a count" >&2; exit 2 ;;
esac

if [ -n "$keep" ]; then
	mkdir -p "$keep"
	work=$(cd "$keep" && pwd)
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi

if [ ! -f "$kernel" ]; then
	kroot=$("$qemu/fetch-kernel.sh" "$kernel")
	kernel=$("$qemu/kernel-info.sh" "$kroot" | sed -n "s/^VMLINUZ=//p")
fi
initrd=$work/trivial-initrd.img
"$qemu/mktrivial-initrd.sh" "$initrd"

echo "kernel:    $kernel"
echo "initramfs: $initrd ($(stat -c %s "$initrd") bytes, zstd)"
echo "machine:   $machine, TCG, $(nproc) host cores"
echo
printf '%-4s %10s %10s %8s  %s\n' run run-init uptime wall result
failed=0
for i in $(seq 1 "$runs"); do
	res=$work/result-$i
	out=$("$qemu/boot.sh" --name "baseline-$i" --kernel "$kernel" --initrd "$initrd" \
		--machine "$machine" ${append:+--append "$append"} --timeout 120 \
		--log "$work/run-$i.log" --result "$res" \
		--expect-console '=== TRIVIAL INIT UPTIME [0-9]') || failed=1
	WALL='' UPTIME='' RUN_INIT='' STATUS=FAIL
	# shellcheck disable=SC1090 # written by boot.sh --result just now
	. "$res"
	printf '%-4s %10s %10s %8s  %s\n' "$i" "${RUN_INIT:--}" "${UPTIME:--}" \
		"${WALL:--}" "$STATUS"
	if [ "$STATUS" != PASS ]; then
		printf '%s\n' "$out" | sed 's/^/    /' >&2
	fi
	printf '%s %s %s\n' "${RUN_INIT:-}" "${UPTIME:-}" "${WALL:-}" >>"$work/all"
done
awk 'NF == 3 { n++; a += $1; b += $2; c += $3 }
	END { if (n) printf "%-4s %10.3f %10.2f %8.1f\n", "mean", a / n, b / n, c / n }' \
	"$work/all"
exit "$failed"
