#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/run.sh: the numbers earlymod is judged by, as one table. Needs `make` first
# (`make bench` does both). Runs on the Debian 6.1 kernel the tests use.
#   loader size         stripped static binary, and gzip -9 of it
#   image               mkinitfs for virtio_pci + virtio_blk + ext4: bytes, wall time
#   show-depends        every module name of the tree (4208) in one call: kmod 30's
#                       modprobe -D -a against mkinitfs --show-depends and the loader's
#                       modprobe applet over a tree blob
#   boot                guest uptime when the root's init runs, against a trivial
#                       initramfs; and "Run /init" -> root init (TCG, this machine)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${EARLYMOD_BUILD:-$top/build}/bench
mkdir -p "$out"
runs=${RUNS:-3}
kpkg=$("$top/qemu/fetch-kernel.sh" linux-image-6.1.0-50-amd64)
eval "$("$top/qemu/kernel-info.sh" "$kpkg")"
mk=$top/build/mkinitfs
ld=$top/build/loader

row() { printf '%-44s %s\n' "$1" "$2"; }

echo "earlymod benchmark, kernel $KVER, $(nproc) cores, $(date -u +%Y-%m-%d)"
row "what" "result"
row "----" "------"
row "loader, stripped" "$(stat -c %s "$ld") bytes ($(gzip -9c "$ld" | wc -c) gzip -9)"

img=$out/virtio-ext4.img
hyperfine -N --warmup 1 --runs 10 --export-json "$out/mkinitfs.json" \
	"$mk -b $kpkg -k $KVER -m virtio_pci -m virtio_blk -m ext4 --no-modules-load --listed -o $img" \
	>/dev/null 2>&1
row "image virtio_pci+virtio_blk+ext4 (zstd)" "$(stat -c %s "$img") bytes"
row "mkinitfs wall time (hyperfine, 10 runs)" \
	"$(jq -r '.results[0] | "\(.mean*1000|floor) ms ± \(.stddev*1000|floor) ms"' "$out/mkinitfs.json")"

# show-depends over every name, with the same tree and an empty configuration
TOP=$top . "$top/tests/kmod/lib.sh" >/dev/null
WORK=$out
mkdir -p "$out/empty.d"
names=$( (cd "$KPKG/lib/modules/$KVER" && find kernel -name '*.ko*' | sed 's|.*/||; s|\.ko.*||' | tr - _;
	sed 's|.*/||; s|\.ko$||' "$KPKG/lib/modules/$KVER/modules.builtin" | tr - _) | sort -u)
printf '%s\n' $names >"$out/names"
n=$(wc -l <"$out/names")
"$mk" --blob-only --all -b "$KROOT" -k "$KVER" -C "$out/empty.d" --no-modules-load -o "$out/tree.blob"
echo >"$out/cmdline"
hyperfine -N --warmup 1 --runs 5 --export-json "$out/showdeps.json" \
	"unshare -m sh -c 'mount --bind $out/cmdline /proc/cmdline; xargs modprobe -D -a -d $KROOT -S $KVER -C $out/empty.d <$out/names >/dev/null 2>&1'" \
	"sh -c 'xargs $mk --show-depends -b $KROOT -k $KVER -C $out/empty.d --cmdline \"\" --no-modules-load <$out/names >/dev/null 2>&1'" \
	"sh -c 'xargs $ld modprobe -a --show-depends --blob $out/tree.blob --cmdline \"\" <$out/names >/dev/null 2>&1'" \
	>/dev/null 2>&1
for i in 0 1 2; do
	label=$(echo "kmod 30 modprobe -D -a|mkinitfs --show-depends|loader modprobe -D (tree blob)" | cut -d'|' -f$((i + 1)))
	row "show-depends, $n names: $label" \
		"$(jq -r ".results[$i] | \"\(.mean*1000|floor) ms ± \(.stddev*1000|floor) ms\"" "$out/showdeps.json")"
done

# boots: the trivial initramfs, then ours, $runs times each
"$top/qemu/build-inits.sh" >/dev/null
"$top/qemu/mkroot.sh" "$out/root.img" ext4 bench-root >/dev/null
"$top/qemu/mktrivial-initrd.sh" "$out/trivial.img" >/dev/null
tsum=0 esum=0 dsum=0
for r in $(seq "$runs"); do
	"$top/qemu/boot.sh" --name trivial --kernel "$VMLINUZ" --initrd "$out/trivial.img" \
		--result "$out/t.res" --log "$out/t.log" --timeout 120 >/dev/null || true
	"$top/qemu/boot.sh" --name earlymod --kernel "$VMLINUZ" --initrd "$img" \
		--disk "$out/root.img:if=virtio" --append "root=LABEL=bench-root" --expect-marker \
		--result "$out/e.res" --log "$out/e.log" --timeout 120 >/dev/null || true
	t=$(. "$out/t.res"; echo "${UPTIME:-0}")
	e=$(. "$out/e.res"; echo "${UPTIME:-0}")
	d=$(. "$out/e.res"; echo "${INIT_TO_ROOT:-0}")
	tsum=$(echo "$tsum + $t" | bc); esum=$(echo "$esum + $e" | bc); dsum=$(echo "$dsum + $d" | bc)
done
row "boot: uptime at trivial /init (mean of $runs)" "$(echo "scale=2; $tsum / $runs" | bc) s"
row "boot: uptime at root's init, earlymod" "$(echo "scale=2; $esum / $runs" | bc) s"
row "boot: \"Run /init\" -> root's init, earlymod" "$(echo "scale=2; $dsum / $runs" | bc) s"
