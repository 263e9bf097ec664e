#!/bin/bash
# SPDX-License-Identifier: MIT
# The QEMU boot cases of `make check`: a real Debian kernel, an image made by mkinitfs,
# a root disk whose /sbin/init (probe-init) prints a marker and /proc/modules.
# Cases run two at a time (the machine has two cores). Prints "qemu: N passed, N failed".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${EARLYMOD_BUILD:-$top/build}/qemu/check
rm -rf "$out"
mkdir -p "$out"
"$here/deps.sh"
"$here/build-inits.sh" >/dev/null

kpkg=$("$here/fetch-kernel.sh" linux-image-6.1.0-50-amd64)
eval "$("$here/kernel-info.sh" "$kpkg")"
uuid=5a1e0b57-7c1d-4d0e-9a53-2d7c4b1e6f01
label=earlymod-root

"$here/mkroot.sh" "$out/ext4.img" ext4 "$label" "$uuid" >/dev/null
"$top/build/mkinitfs" -b "$kpkg" -k "$KVER" -m virtio_pci -m virtio_blk -m ext4 \
	--no-modules-load -o "$out/virtio-ext4.img"

need="virtio_pci virtio_blk ext4 jbd2 mbcache crc16 crc32c_generic"
declare -a names cmds
add() { names+=("$1"); shift; cmds+=("$*"); }
add root-dev --append "root=/dev/vda" --expect-marker --expect-modules "'$need'"
add root-uuid --append "root=UUID=$uuid" --expect-marker --expect-modules "'$need'"
add root-label --append "root=LABEL=$label" --expect-marker --expect-modules "'$need'"
add root-missing --append "'root=UUID=00000000-0000-0000-0000-000000000000 rootdelay=3'" \
	--expect-panic --expect-console "'not found'" --expect-console "'vda'"

run() { # run INDEX
	eval "\"$here/boot.sh\" --name \"${names[$1]}\" --kernel \"$VMLINUZ\" \
		--initrd \"$out/virtio-ext4.img\" --disk \"$out/ext4.img:if=virtio\" \
		--timeout 120 --log \"$out/${names[$1]}.log\" --result \"$out/${names[$1]}.result\" \
		${cmds[$1]}" >"$out/${names[$1]}.out" 2>&1 || true
}
i=0
while [ $i -lt ${#names[@]} ]; do
	run $i &
	[ $((i + 1)) -lt ${#names[@]} ] && run $((i + 1)) &
	wait
	i=$((i + 2))
done
pass=0 fail=0
for n in "${names[@]}"; do
	cat "$out/$n.out"
	if grep -q '^PASS' "$out/$n.out"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "qemu: $pass passed, $fail failed"
[ $fail = 0 ]
