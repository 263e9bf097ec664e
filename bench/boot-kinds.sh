#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/boot-kinds.sh: what the image kind costs at boot. Boots the Debian 6.1 kernel
# (TCG) with a generic and a host-only image, on a virtio-blk disk (pc) and on a SATA
# disk (q35's AHCI), ext4 root by UUID, RUNS times each (default 3), and tables the
# image size, the time from the kernel's "Run /init" line to the root's init
# (probe-init's marker) and the guest uptime at that marker (which also pays for
# unpacking the image), mean and range. Needs `make` first.
#
# usage: bench/boot-kinds.sh [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
q=$top/qemu
out=${EARLYMOD_BUILD:-$top/build}/bench/kinds
runs=${1:-3}
mk=$top/build/mkinitfs
mkdir -p "$out"
"$q/deps.sh"
"$q/build-inits.sh" >/dev/null
kpkg=$("$q/fetch-kernel.sh" linux-image-6.1.0-50-amd64)
eval "$("$q/kernel-info.sh" "$kpkg")"
uuid=5a1e0b57-7c1d-4d0e-9a53-2d7c4b1e6f01
"$q/mkroot.sh" "$out/ext4.img" ext4 bench "$uuid" >/dev/null
"$mk" -b "$kpkg" -k "$KVER" --generic --no-modules-load -o "$out/generic.img" >/dev/null
"$mk" -b "$kpkg" -k "$KVER" --hostonly --modaliases "$q/machines/ext4-virtio.modaliases" \
	--rootfs ext4 --no-modules-load -o "$out/hostonly-virtio.img" >/dev/null
"$mk" -b "$kpkg" -k "$KVER" --hostonly --modaliases "$q/machines/ext4-ahci-q35.modaliases" \
	--rootfs ext4 --no-modules-load -o "$out/hostonly-sata.img" >/dev/null

# "mean (min-max)" of the arguments
summary() {
	printf '%s\n' "$@" | awk '{ s += $1; if (NR == 1 || $1 < lo) lo = $1
		if (NR == 1 || $1 > hi) hi = $1 } END { printf "%.2f (%.2f-%.2f)", s / NR, lo, hi }'
}

printf '%-10s %-8s %12s %28s %24s\n' image disk "image bytes" '"Run /init" -> root init (s)' \
	'uptime at root init (s)'
for kind in generic hostonly; do
	for disk in virtio sata; do
		img=$out/$kind.img
		[ "$kind" = hostonly ] && img=$out/hostonly-$disk.img
		if [ "$disk" = virtio ]; then args=(--machine pc --disk "$out/ext4.img:if=virtio")
		else args=(--machine q35 --disk "$out/ext4.img:if=ahci"); fi
		vals=() ups=()
		for r in $(seq "$runs"); do
			"$q/boot.sh" --name "$kind-$disk" --kernel "$VMLINUZ" --initrd "$img" "${args[@]}" \
				--append "root=UUID=$uuid" --expect-marker --timeout 120 \
				--result "$out/r.res" --log "$out/$kind-$disk.$r.log" >/dev/null || true
			vals+=("$(. "$out/r.res"; echo "${INIT_TO_ROOT:-nan}")")
			ups+=("$(. "$out/r.res"; echo "${UPTIME:-nan}")")
		done
		printf '%-10s %-8s %12d %28s %24s\n' "$kind" "$disk" "$(stat -c %s "$img")" \
			"$(summary "${vals[@]}")" "$(summary "${ups[@]}")"
	done
done
