#!/bin/sh
# run.sh: the differential proof against kmod 30. For each set of queries, kmod's
# `modprobe -D -a` and ours (mkinitfs --show-depends on the tree with and without
# depmod's files, and the loader's modprobe applet over a blob of the whole tree)
# must print the same bytes and exit with the same status.
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/empty.d"

# compare SET CMDLINE FLAGS CONFDIRS QUERY...: FLAGS "" or "-b"/"-i" (kmod's),
# CONFDIRS one or more -C paths separated by spaces, in order
compare() {
	set_name=$1 cl=$2 flags=$3 confs=$4
	shift 4
	kc= mc= mflags= lflags=
	for d in $confs; do kc="$kc -C $d"; done
	mc=$kc
	case $flags in
	*-b*) mflags="$mflags --use-blacklist"; lflags="$lflags -b" ;;
	esac
	case $flags in
	*-i*) mflags="$mflags --ignore-install"; lflags="$lflags -i" ;;
	esac
	# shellcheck disable=SC2086
	kmod_show_depends "$cl" "$flags $kc" "$@" >"$WORK/kmod.out" && krc=0 || krc=$?
	[ $krc -ne 0 ] && krc=1
	# shellcheck disable=SC2086
	"$MKINITFS" --show-depends -b "$KROOT" -k "$KVER" $mc $mflags --cmdline "$cl" \
		--no-modules-load "$@" >"$WORK/mk.out" 2>"$WORK/mk.err" && mrc=0 || mrc=$?
	if diff -u "$WORK/kmod.out" "$WORK/mk.out" >"$WORK/diff" && [ $krc = $mrc ]; then ok=0; else ok=1; fi
	[ $ok = 0 ] || { head -20 "$WORK/diff"; echo "exit: kmod $krc, mkinitfs $mrc"; }
	result "$set_name: mkinitfs --show-depends, depmod tree ($# queries)" $ok
	# the Debian package's own tree, without depmod's files: paths differ only by root
	# shellcheck disable=SC2086
	"$MKINITFS" --show-depends -b "$KPKG" -k "$KVER" $mc $mflags --cmdline "$cl" \
		--no-modules-load "$@" >"$WORK/mk2.raw" 2>/dev/null && mrc=0 || mrc=$?
	sed "s|^insmod $KPKG/|insmod $KROOT/|" "$WORK/mk2.raw" >"$WORK/mk2.out"
	if diff -u "$WORK/kmod.out" "$WORK/mk2.out" >"$WORK/diff" && [ $krc = $mrc ]; then ok=0; else ok=1; fi
	[ $ok = 0 ] || { head -20 "$WORK/diff"; echo "exit: kmod $krc, mkinitfs $mrc"; }
	result "$set_name: mkinitfs --show-depends, tree without depmod files" $ok
	# shellcheck disable=SC2086
	"$MKINITFS" --blob-only --all -b "$KROOT" -k "$KVER" $mc --no-modules-load \
		-o "$WORK/tree.blob" 2>/dev/null || true
	# shellcheck disable=SC2086
	"$LOADER" modprobe -a --show-depends $lflags --blob "$WORK/tree.blob" --cmdline "$cl" \
		"$@" >"$WORK/ld.out" 2>/dev/null && lrc=0 || lrc=$?
	if diff -u "$WORK/kmod.out" "$WORK/ld.out" >"$WORK/diff" && [ $krc = $lrc ]; then ok=0; else ok=1; fi
	[ $ok = 0 ] || { head -20 "$WORK/diff"; echo "exit: kmod $krc, loader $lrc"; }
	result "$set_name: loader modprobe --show-depends ($# queries)" $ok
}

# the storage and filesystem drivers a boot needs
compare storage "" "" "$WORK/empty.d" ext4 xfs btrfs virtio_blk virtio_scsi nvme ahci sd_mod \
	usb_storage virtio_pci
# every module name of the tree, loadable and built-in
names=$( (cd "$KPKG/lib/modules/$KVER" && find kernel -name '*.ko*' | sed 's|.*/||; s|\.ko.*||' | tr - _;
	sed 's|.*/||; s|\.ko$||' "$KPKG/lib/modules/$KVER/modules.builtin" | tr - _) | sort -u)
# shellcheck disable=SC2086
compare all-names "" "" "$WORK/empty.d" $names
# the modaliases of the QEMU machines we boot (collected from their sysfs)
if [ -s "$TOP/tests/kmod/modaliases.txt" ]; then
	# shellcheck disable=SC2046
	compare modaliases "" "" "$WORK/empty.d" $(grep -v '^#' "$TOP/tests/kmod/modaliases.txt" | sort -u)
fi
# compressed trees (.ko.zst, .ko.xz, made and depmod'ed by modtree_vs_depmod.sh),
# with depmod's files and without them (a hard-linked copy lacking them)
MVD=${EARLYMOD_WORK:-/tmp/earlymod-modtree-vs-depmod}
plain_root=$KROOT plain_pkg=$KPKG
for comp in zst xz; do
	t=$MVD/$comp
	if [ ! -f "$t/lib/modules/$KVER/modules.dep.bin" ]; then
		echo "no $t: run tests/kmod/modtree_vs_depmod.sh first"
		result "$comp tree" 1
		continue
	fi
	nodep=$WORK/$comp-nodep
	mkdir -p "$nodep/lib/modules"
	cp -al "$t/lib/modules/$KVER" "$nodep/lib/modules/"
	(cd "$nodep/lib/modules/$KVER" && rm -f modules.dep modules.dep.bin modules.alias \
		modules.alias.bin modules.softdep modules.symbols modules.symbols.bin \
		modules.builtin.bin modules.builtin.alias.bin modules.devname modules.weakdep)
	KROOT=$t KPKG=$nodep
	compare "$comp/storage" "" "" "$WORK/empty.d" ext4 xfs btrfs virtio_blk virtio_scsi nvme \
		ahci sd_mod usb_storage virtio_pci
	compare "$comp/softdep-alias" "" "" "$TOP/tests/kmod/conf/softdep-alias/modprobe.d" \
		$(cat "$TOP/tests/kmod/conf/softdep-alias/queries")
done
KROOT=$plain_root KPKG=$plain_pkg
# one configuration directory per rule, with its queries, command line and flags
for c in "$TOP"/tests/kmod/conf/*/; do
	c=${c%/}
	[ -f "$c/queries" ] || continue
	cl=$(cat "$c/cmdline" 2>/dev/null || true)
	flags=$(cat "$c/flags" 2>/dev/null || true)
	if [ -f "$c/confdirs" ]; then
		confs=$(sed "s|[^ ]*|$c/&|g" "$c/confdirs")
	else
		confs=$c/modprobe.d
		mkdir -p "$confs"
	fi
	# shellcheck disable=SC2046
	compare "conf/$(basename "$c")" "$cl" "$flags" "$confs" $(cat "$c/queries")
done
echo "kmod: $pass passed, $fail failed"
[ $fail = 0 ]
