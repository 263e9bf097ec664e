#!/bin/bash
# SPDX-License-Identifier: MIT
# The QEMU boot cases of `make check`: real Debian 6.1 kernels under TCG, images made by
# mkinitfs, root disks whose /sbin/init (probe-init) prints a marker and /proc/modules.
# Each case checks the marker, the modules that must and must not be loaded, and that
# no "Kernel panic" appears (or, for the cases meant to fail, the loader's diagnostic
# and the panic). Cases run two at a time (the machine has two cores).
#
# usage: qemu/check.sh [CASE...]    (default: all; names below)
# Prints one PASS/FAIL line per case, then "qemu: N passed, N failed".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${EARLYMOD_BUILD:-$top/build}/qemu/check
mk=$top/build/mkinitfs
rm -rf "$out"
mkdir -p "$out"
"$here/deps.sh"
"$here/build-inits.sh" >/dev/null

kpkg=$("$here/fetch-kernel.sh" linux-image-6.1.0-50-amd64)
eval "$("$here/kernel-info.sh" "$kpkg")"
cloud=$("$here/fetch-kernel.sh" linux-image-6.1.0-50-cloud-amd64-unsigned)
cloud_vmlinuz=$(cd "$cloud/boot" && ls "$PWD"/vmlinuz-*)
zst_tree=${EARLYMOD_WORK:-/tmp/earlymod-modtree-vs-depmod}/zst
uuid=5a1e0b57-7c1d-4d0e-9a53-2d7c4b1e6f01
puuid=0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d
label=em-root

# root disks: FS, bus-independent; GPT ones carry a partition label and GUID
"$here/mkroot.sh" "$out/ext4.img" ext4 "$label" "$uuid" >/dev/null
"$here/mkroot.sh" "$out/xfs.img" xfs "$label" "$uuid" >/dev/null
"$here/mkroot.sh" "$out/btrfs.img" btrfs "$label" "$uuid" >/dev/null
"$here/mkroot.sh" --gpt "$out/gpt-ext4.img" ext4 "$label" "$uuid" earlymod-part "$puuid" >/dev/null
"$here/mkroot.sh" --gpt "$out/gpt-xfs.img" xfs "$label" "$uuid" earlymod-part "$puuid" >/dev/null

# images: listed modules only; generic (any machine); host-only for the pc+virtio
# machine captured in qemu/machines/; the cloud kernel's generic; a .ko.zst tree
listed="-m virtio_pci -m virtio_blk -m ext4"
# shellcheck disable=SC2086
"$mk" -b "$kpkg" -k "$KVER" $listed --listed --no-modules-load -o "$out/listed.img"
"$mk" -b "$kpkg" -k "$KVER" --generic --no-modules-load -o "$out/generic.img"
"$mk" -b "$kpkg" -k "$KVER" --hostonly --modaliases "$here/machines/ext4-virtio.modaliases" \
	--rootfs ext4 --no-modules-load -o "$out/hostonly.img"
"$mk" -b "$kpkg" -k "$KVER" --hostonly --modaliases "$here/machines/ext4-ahci-q35.modaliases" \
	--rootfs ext4 --no-modules-load -o "$out/hostonly-ahci.img"
"$mk" -b "$cloud" -k "$(ls "$cloud/lib/modules")" --generic --no-modules-load -o "$out/cloud.img"
# shellcheck disable=SC2086
"$mk" -b "$zst_tree" -k "$KVER" $listed --listed --no-modules-load -o "$out/zst.img"
"$mk" -b "$kpkg" -k "$KVER" -m virtio_pci -m ext4 --listed --no-modules-load \
	-o "$out/no-virtio-blk.img"
for i in listed generic hostonly hostonly-ahci cloud zst; do
	printf 'image %-9s %9d bytes\n' "$i" "$(stat -c %s "$out/$i.img")"
done | tee "$out/sizes"

ext4_mods="ext4 jbd2 mbcache crc16 crc32c_generic"
virtio_mods="virtio_pci virtio_blk"
pc_nics="--qemu-arg -device --qemu-arg e1000"
declare -a names cmds
add() { names+=("$1"); shift; cmds+=("$*"); }
# issue 2: the listed image, three root= forms, and a root that never comes
add root-dev --initrd $out/listed.img --disk $out/ext4.img:if=virtio --append root=/dev/vda \
	--expect-marker --expect-modules "'$virtio_mods $ext4_mods'"
add root-uuid --initrd $out/listed.img --disk $out/ext4.img:if=virtio --append "root=UUID=$uuid" \
	--expect-marker --expect-modules "'$virtio_mods $ext4_mods'"
add root-label --initrd $out/listed.img --disk $out/ext4.img:if=virtio --append "root=LABEL=$label" \
	--expect-marker --expect-modules "'$virtio_mods $ext4_mods'"
add root-missing --initrd $out/listed.img --disk $out/ext4.img:if=virtio \
	--append "'root=UUID=00000000-0000-0000-0000-000000000000 rootdelay=3'" \
	--expect-panic --expect-console "'not found after'" --expect-console "'vda'"
# issue 4: one generic image on every bus, filesystem and root= form
add generic-virtio-ext4-dev --initrd $out/generic.img --disk $out/ext4.img:if=virtio $pc_nics \
	--append root=/dev/vda --expect-marker --expect-modules "'$virtio_mods $ext4_mods'" \
	--reject-modules "'e1000 nvme ahci usb_storage xfs btrfs'"
add generic-scsi-xfs-uuid --initrd $out/generic.img --disk $out/xfs.img:if=scsi \
	--append "root=UUID=$uuid" --expect-marker \
	--expect-modules "'virtio_pci virtio_scsi sd_mod xfs'" --reject-modules "'virtio_blk ext4 btrfs'"
add generic-ahci-btrfs-label --machine q35 --initrd $out/generic.img --disk $out/btrfs.img:if=ahci \
	--append "root=LABEL=$label" --expect-marker \
	--expect-modules "'ahci libahci libata sd_mod btrfs'" --reject-modules "'virtio_blk xfs nvme'"
add generic-nvme-gpt-partuuid --machine q35 --initrd $out/generic.img --disk $out/gpt-ext4.img:if=nvme \
	--append "root=PARTUUID=$puuid" --expect-marker --expect-modules "'nvme nvme_core $ext4_mods'" \
	--reject-modules "'virtio_blk xfs'"
add generic-usb-gpt-partlabel --initrd $out/generic.img --disk $out/gpt-xfs.img:if=usb \
	--append "root=PARTLABEL=earlymod-part" --expect-marker \
	--expect-modules "'xhci_pci xhci_hcd usb_storage sd_mod xfs'" --reject-modules "'virtio_blk ext4'"
add generic-ahci-ext4-uuid --machine q35 --initrd $out/generic.img --disk $out/ext4.img:if=ahci \
	--append "root=UUID=$uuid" --expect-marker --expect-modules "'ahci libahci libata sd_mod $ext4_mods'" \
	--reject-modules "'virtio_blk xfs btrfs nvme'"
add hostonly-ahci-ext4-uuid --machine q35 --initrd $out/hostonly-ahci.img --disk $out/ext4.img:if=ahci \
	--append "root=UUID=$uuid" --expect-marker --expect-modules "'ahci libahci libata sd_mod $ext4_mods'" \
	--reject-modules "'virtio_blk xfs btrfs nvme'"
add hostonly-virtio-ext4 --initrd $out/hostonly.img --disk $out/ext4.img:if=virtio $pc_nics \
	--append "root=UUID=$uuid" --expect-marker --expect-modules "'$virtio_mods $ext4_mods'" \
	--reject-modules "'e1000'"
add cloud-nvme-ext4 --kernel "$cloud_vmlinuz" --machine q35 --initrd $out/cloud.img \
	--disk $out/ext4.img:if=nvme --append "root=LABEL=$label" --expect-marker \
	--reject-modules "'ext4 nvme'"
add zst-tree-virtio-ext4 --initrd $out/zst.img --disk $out/ext4.img:if=virtio --append "root=LABEL=$label" \
	--expect-marker --expect-modules "'$virtio_mods $ext4_mods'"
add blacklisted-driver --initrd $out/generic.img --disk $out/ext4.img:if=virtio \
	--append "'root=/dev/vda rootwait=5 modprobe.blacklist=virtio_blk'" --expect-panic \
	--expect-console "'not found after 5 s'" --expect-console "'virtio:d00000002v00001AF4'"
add absent-driver --initrd $out/no-virtio-blk.img --disk $out/ext4.img:if=virtio \
	--append "'root=/dev/vda rootwait=5'" --expect-panic \
	--expect-console "'not found after 5 s'" --expect-console "'virtio:d00000002v00001AF4'"

if [ $# -gt 0 ]; then
	keep_n=() keep_c=()
	for i in "${!names[@]}"; do
		for want; do
			[ "${names[$i]}" = "$want" ] && { keep_n+=("${names[$i]}"); keep_c+=("${cmds[$i]}"); }
		done
	done
	names=("${keep_n[@]}") cmds=("${keep_c[@]}")
fi

run() { # run INDEX
	local n=${names[$1]} c=${cmds[$1]}
	eval "\"$here/boot.sh\" --name \"$n\" --kernel \"$VMLINUZ\" --timeout 150 \
		--log \"$out/$n.log\" --result \"$out/$n.result\" $c" >"$out/$n.out" 2>&1 || true
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
