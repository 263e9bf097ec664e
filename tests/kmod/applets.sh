#!/bin/bash
# SPDX-License-Identifier: MIT
# applets.sh: the loader's modinfo and lsmod against kmod 30's, on the host.
#
# modinfo: kmod's `modinfo -b KROOT -k KVER` and the loader's `modinfo --blob` over a
# blob of the whole Debian tree must print the same bytes and exit alike: every module
# by name, aliases, files by path, -F/-p/-n/-0, errors. The signature fields (sig_id,
# signer, sig_key, sig_hashalgo, signature), which the loader does not print, are
# taken out of kmod's output; for built-in modules only kmod's name: and filename:
# lines are compared (their other keys come from modules.builtin.modinfo, which the
# image does not carry).
# lsmod: kmod's and the loader's over the same made-up /proc/modules and /sys/module
# (tmpfs over /proc and /sys in a private mount namespace: needs root), and over the
# host's own /proc/modules when the running kernel has one.
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
M=$KROOT/lib/modules/$KVER
"$MKINITFS" --blob-only --all -b "$KROOT" -k "$KVER" --no-modules-load \
	-o "$WORK/tree.blob" 2>"$WORK/mk.err" || { cat "$WORK/mk.err"; exit 1; }

# kmod's output without the signature fields (plain and -0 layouts)
nosig() {
	awk '/^(sig_id|signer|sig_key|sig_hashalgo)[:=]/ { next }
	     /^signature[:=]/ { s = 1; next }
	     s && /^\t\t[0-9A-F:]+$/ { next }
	     { s = 0; print }'
}

# same NAME: compares $WORK/k.out with $WORK/l.out, k.err with l.err, $krc with $lrc
same() {
	if cmp -s "$WORK/k.out" "$WORK/l.out" && cmp -s "$WORK/k.err" "$WORK/l.err" &&
		[ "$krc" = "$lrc" ]; then
		result "$1" 0
	else
		diff "$WORK/k.out" "$WORK/l.out" | head -10
		diff "$WORK/k.err" "$WORK/l.err" | head -6
		echo "exit: kmod $krc, loader $lrc"
		result "$1" 1
	fi
}

# modinfo_cmp NAME FILTER ARGS...: FILTER is a command both outputs go through
modinfo_cmp() {
	name=$1 filter=$2
	shift 2
	modinfo -b "$KROOT" -k "$KVER" "$@" >"$WORK/k.raw" 2>"$WORK/k.err" && krc=0 || krc=$?
	"$LOADER" modinfo --blob "$WORK/tree.blob" "$@" >"$WORK/l.raw" 2>"$WORK/l.err" &&
		lrc=0 || lrc=$?
	$filter <"$WORK/k.raw" | nosig >"$WORK/k.out"
	$filter <"$WORK/l.raw" >"$WORK/l.out"
	same "modinfo $name"
}

nul2nl() { tr '\0' '\n'; }
names_only() { grep -E '^(name|filename):' || true; }

names=$( (cd "$M" && find kernel -name '*.ko*' | sed 's|.*/||; s|\.ko.*||' | tr - _) | sort -u)
builtins=$(sed 's|.*/||; s|\.ko$||' "$M/modules.builtin" | tr - _ | sort -u)
some="ext4 nvme e1000e snd-hda-intel option iwlwifi usb_storage xfs btrfs virtio_net"

# shellcheck disable=SC2086
{
	modinfo_cmp "every module of the tree ($(echo $names | wc -w) names)" cat $names
	modinfo_cmp "built-ins, name and filename ($(echo $builtins | wc -w))" names_only \
		$builtins
	modinfo_cmp "-F filename of built-ins" cat -F filename $builtins
	modinfo_cmp "-F name of built-ins" cat -F name $builtins
	if [ -s "$TOP/tests/kmod/modaliases.txt" ]; then
		modinfo_cmp "QEMU modaliases" cat \
			$(grep -v '^#' "$TOP/tests/kmod/modaliases.txt" | sort -u)
	fi
	modinfo_cmp "aliases" cat fs-ext4 crypto-crc32c char-major-10-229 fs-xfs \
		'pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00' \
		'usb:v0BDAp8153d3000dc00dsc00dp00icFFiscFFip00in00' nosuch 'bad]bracket'
	for opt in "-F alias" "-F parm" "-p" "-F parmtype" "-F description" "-n" "-a" "-l" \
		"-F vermagic" "-F depends" "-F nosuchkey"; do
		modinfo_cmp "$opt ($(echo $some | wc -w) modules)" cat $opt $some
	done
	modinfo_cmp "-0" nul2nl -0 $some
	modinfo_cmp "-0 -F alias" nul2nl -0 -F alias $some
	modinfo_cmp "files by path" cat "$M/kernel/fs/ext4/ext4.ko" \
		"$M/kernel/drivers/usb/serial/option.ko" "$M/kernel/drivers/nvme/host/nvme.ko"
	cd "$M/kernel/fs"
	modinfo_cmp "files by relative path" cat ext4/ext4.ko ./xfs/xfs.ko
	cd "$TOP"
	modinfo_cmp "-k of another kernel" cat -k 0.0.0-other ext4
	printf 'not a module\n' >"$WORK/text.ko"
	modinfo_cmp "a file that is not ELF" cat "$WORK/text.ko"
}

# lsmod over a made-up /proc/modules and /sys/module, in a private mount namespace
cat >"$WORK/lsmod.sh" <<'EOF'
set -e
mount -t tmpfs none /proc
mount -t tmpfs none /sys
# NAME SIZE REFCNT HOLDERS...
mod() {
	d=/sys/module/$1
	mkdir -p "$d/holders"
	echo live >"$d/initstate"
	echo "$3" >"$d/refcnt"
	echo "$2" >"$d/coresize"
	n=$1
	shift 3
	for h in "$@"; do ln -s "../../$h" "/sys/module/$n/holders/$h"; done
}
mod ext4 1056768 0
mod mbcache 16384 2 ext4 ocfs2
mod jbd2 192512 1 ext4
mod a_module_with_a_long_name 123456789 0
mod crc16 16384 3 ext4 ocfs2 btrfs
mod ocfs2 1900544 0
mod btrfs 1855488 0
{
	printf 'ext4 1056768 0 - Live 0x0000000000000000\n'
	printf 'mbcache 16384 2 ext4,ocfs2, Live 0x0000000000000000\n'
	printf 'jbd2 192512 1 ext4, Live 0x0000000000000000\n'
	printf 'a_module_with_a_long_name 123456789 0 - Live 0x0000000000000000\n'
	printf 'crc16 16384 3 ext4,ocfs2,btrfs, Live 0x0000000000000000\n'
	printf 'ocfs2 1900544 0 - Live 0x0000000000000000\n'
	printf 'btrfs 1855488 0 - Live 0x0000000000000000\n'
} >/proc/modules
lsmod >"$1/k.out" 2>"$1/k.err" && echo 0 >"$1/krc" || echo $? >"$1/krc"
"$2" lsmod >"$1/l.out" 2>"$1/l.err" && echo 0 >"$1/lrc" || echo $? >"$1/lrc"
EOF
if unshare -m sh "$WORK/lsmod.sh" "$WORK" "$LOADER" 2>"$WORK/unshare.err" &&
	[ -s "$WORK/k.out" ]; then
	krc=$(cat "$WORK/krc") lrc=$(cat "$WORK/lrc")
	same "lsmod over a made-up /proc/modules and /sys/module"
else
	cat "$WORK/unshare.err"
	result "lsmod over a made-up /proc/modules (unshare -m and tmpfs mounts need root)" 1
fi
if [ -r /proc/modules ]; then
	lsmod >"$WORK/k.out" 2>"$WORK/k.err" && krc=0 || krc=$?
	"$LOADER" lsmod >"$WORK/l.out" 2>"$WORK/l.err" && lrc=0 || lrc=$?
	same "lsmod of the running kernel"
else
	echo "SKIP lsmod of the running kernel: it has no /proc/modules"
fi
echo "applets: $pass passed, $fail failed"
[ $fail = 0 ]
