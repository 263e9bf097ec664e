#!/bin/bash
# SPDX-License-Identifier: MIT
# modtree_vs_depmod.sh: modtree_load must agree with kmod's depmod on real trees.
#
# For the Debian 6.1 tree (4022 modules) as shipped (no depmod files: our own
# computation), and as copies that depmod has run on (our reading of modules.dep),
# plain, recompressed to .ko.zst and to .ko.xz: modules.dep and modules.alias from
# tests/unit/mt_dump.c must equal depmod's byte for byte. Then the same for the small
# synthetic trees of tests/fixtures/mkfixture.sh, where depmod's order of modules that
# modules.order does not list is readdir order, so lines are compared sorted.
#
# env: EARLYMOD_WORK  scratch directory, kept between runs because recompressing takes
#                     minutes (default /tmp/earlymod-modtree-vs-depmod)
#      CC             compiler for mt_dump (default cc)
# Needs depmod (kmod), zstd, xz, gzip. Prints TAP and "N passed, N failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
FLAVOUR=linux-image-6.1.0-50-amd64
WORK=${EARLYMOD_WORK:-/tmp/earlymod-modtree-vs-depmod}
CC=${CC:-cc}
n=0
failed=0

check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
}

finish() {
	echo "1..$n"
	echo "$((n - failed)) passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

bail() {
	echo "Bail out! $*"
	exit 1
}

command -v depmod >/dev/null || command -v /sbin/depmod >/dev/null ||
	bail "depmod (kmod) is not installed"
DEPMOD=$(command -v depmod || echo /sbin/depmod)
mkdir -p "$WORK" || bail "cannot create $WORK"

# the Debian tree: the lead's fetcher when there is one, else the usual cache
if [ -f qemu/fetch-kernel.sh ]; then
	SRC=$(sh qemu/fetch-kernel.sh "$FLAVOUR") || bail "qemu/fetch-kernel.sh failed"
else
	SRC=$HOME/.cache/earlymod/$FLAVOUR
fi
[ -d "$SRC/lib/modules" ] || bail "no module tree at $SRC/lib/modules"
KVER=$(ls "$SRC/lib/modules" | head -n 1)
[ -n "$KVER" ] || bail "no kernel under $SRC/lib/modules"

$CC -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Ilib -Imkinitfs -o "$WORK/mt_dump" \
	tests/unit/mt_dump.c mkinitfs/ko_*.c mkinitfs/modtree*.c mkinitfs/xalloc.c \
	-lzstd -llzma -lz -pthread || bail "building mt_dump failed"

# copy ROOT's module directory to DEST, sharing the files (hard links, else symlinks)
copy_tree() {
	rm -rf "$2"
	mkdir -p "$2/lib/modules"
	cp -al "$1/lib/modules/$KVER" "$2/lib/modules/" 2>/dev/null ||
		cp -as "$(realpath "$1")/lib/modules/$KVER" "$2/lib/modules/" ||
		bail "cannot copy $1"
	rm -f "$2/lib/modules/$KVER"/modules.{dep,alias,softdep,symbols,devname}* \
		"$2/lib/modules/$KVER"/modules.*.bin
}

# compress every .ko of ROOT into a copy at DEST once; the copy is kept
compressed_copy() {
	local root=$1 dest=$2 ext=$3
	[ -e "$dest/.complete" ] && return 0
	copy_tree "$root" "$dest"
	echo "# compressing $dest (once; minutes)"
	case $ext in
	zst) find "$dest/lib/modules/$KVER" -name '*.ko' -print0 |
		xargs -0 -P2 -n64 zstd -q --rm ;;
	xz) find "$dest/lib/modules/$KVER" -name '*.ko' -print0 |
		xargs -0 -P2 -n32 xz -f --check=crc32 --lzma2=dict=1MiB ;;
	esac || bail "compressing to .$ext failed"
	touch "$dest/.complete"
}

# ROOT NAME: our computation, depmod's files, our reading of them
compare() {
	local root=$1 name=$2 m="$1/lib/modules/$KVER"
	local ours="$WORK/$name" r
	rm -f "$m"/modules.dep "$m"/modules.dep.bin
	"$WORK/mt_dump" -t "$root" "$KVER" dep >"$ours.computed" 2>"$ours.time"
	r=$?
	sed 's/^/# computed: /' "$ours.time"
	"$WORK/mt_dump" "$root" "$KVER" alias >"$ours.alias" 2>&1
	$DEPMOD -b "$root" "$KVER" 2>"$ours.depmod.err"
	check $? "$name: depmod runs"
	[ $r = 0 ] && diff -u "$m/modules.dep" "$ours.computed" >"$ours.diff"
	check $? "$name: computed dependencies equal depmod's modules.dep"
	[ $r = 0 ] || cat "$ours.computed"
	head -n 5 "$ours.diff" 2>/dev/null | sed 's/^/# /'
	tail -n +2 "$m/modules.alias" | diff -u - "$ours.alias" >"$ours.diff"
	check $? "$name: aliases equal depmod's modules.alias"
	"$WORK/mt_dump" -t "$root" "$KVER" dep >"$ours.read" 2>"$ours.time"
	sed 's/^/# with modules.dep: /' "$ours.time"
	diff -u "$m/modules.dep" "$ours.read" >"$ours.diff"
	check $? "$name: modules.dep read back unchanged"
}

# the tree as shipped: nothing but the kernel's own files
[ ! -e "$SRC/lib/modules/$KVER/modules.dep" ]
check $? "$FLAVOUR comes without modules.dep"
"$WORK/mt_dump" -t "$SRC" "$KVER" dep >"$WORK/shipped.dep" 2>"$WORK/shipped.time"
check $? "$FLAVOUR loads as shipped"
sed 's/^/# shipped: /' "$WORK/shipped.time"

copy_tree "$SRC" "$WORK/plain"
compare "$WORK/plain" plain
cmp -s "$WORK/shipped.dep" "$WORK/plain.computed"
check $? "the shipped tree and its copy give the same answer"

for ext in zst xz; do
	compressed_copy "$SRC" "$WORK/$ext" "$ext"
	compare "$WORK/$ext" "$ext"
	sed "s/\.ko\.$ext/.ko/g" "$WORK/$ext.computed" | cmp -s - "$WORK/plain.computed"
	check $? "$ext: same names and dependencies as the plain tree"
done

# the synthetic trees; this kmod may lack zlib: then .ko.gz files are not modules to it
rm -rf "$WORK/fix"
sh tests/fixtures/mkfixture.sh "$WORK/fix" || bail "mkfixture.sh failed"
KVER=1.0-test
nogz=cat
$DEPMOD --version | grep -q -- -ZLIB && nogz="grep -v \.ko\.gz"
m="$WORK/fix/t1/lib/modules/$KVER"
"$WORK/mt_dump" "$WORK/fix/t1" "$KVER" dep | $nogz | sort >"$WORK/t1.ours"
# depmod picks one of two same-named files by readdir order: leave twin out
rm "$m/kernel/b/twin.ko"
$DEPMOD -b "$WORK/fix/t1" "$KVER" 2>/dev/null
check $? "t1: depmod runs"
sort "$m/modules.dep" | diff -u - "$WORK/t1.ours" >"$WORK/t1.diff"
check $? "t1: computed dependencies equal depmod's"
sed 's/^/# /' "$WORK/t1.diff"
sort "$WORK/fix/t1dep/lib/modules/$KVER/modules.dep" | $nogz | cmp -s - "$WORK/t1.ours"
check $? "t1dep: the fixture's modules.dep is depmod's"
$DEPMOD -b "$WORK/fix/cycle" "$KVER" 2>/dev/null
r1=$?
"$WORK/mt_dump" "$WORK/fix/cycle" "$KVER" dep >/dev/null 2>&1
r2=$?
[ $r1 != 0 ] && [ $r2 != 0 ]
check $? "cycle: both depmod and modtree fail"

finish
