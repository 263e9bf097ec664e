#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh: mkinitfs end to end on the real Debian 6.1 tree: what is in the image (GNU
# cpio extracts it), byte-identical rebuilds, every compression as the tools check it,
# compressed trees stored decompressed with signatures kept, the host files it reads
# under -b ROOT, and the errors a user meets. Prints "image: N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
MK=$TOP/build/mkinitfs
KPKG=$(bash "$TOP/qemu/fetch-kernel.sh" linux-image-6.1.0-50-amd64) || exit 1
KVER=$(ls "$KPKG/lib/modules")
MODDIR=$KPKG/lib/modules/$KVER
MVD=${EARLYMOD_WORK:-/tmp/earlymod-modtree-vs-depmod}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
pass=0 fail=0
t() { # t NAME CONDITION-EXIT-CODE
	if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
mk() { "$MK" -b "$KPKG" -k "$KVER" --no-modules-load --listed "$@"; }
mods="-m virtio_pci -m virtio_blk -m ext4"

# one image, extracted by GNU cpio
export SOURCE_DATE_EPOCH=1700000000
mk $mods -o "$W/a.img" 2>"$W/err"; t "mkinitfs makes an image" $?
mkdir "$W/x" && (cd "$W/x" && zstd -dc "$W/a.img" | cpio -idm --quiet 2>"$W/cpio.err"); t "GNU cpio extracts it" $?
cmp -s "$W/x/init" "$TOP/build/loader"; t "/init is the loader" $?
[ "$(stat -c %a "$W/x/init")" = 755 ]; t "/init is mode 755" $?
cmp -s "$W/x/lib/modules/$KVER/kernel/fs/ext4/ext4.ko" "$MODDIR/kernel/fs/ext4/ext4.ko"; t "ext4.ko is the tree's file, byte for byte" $?
tail -c 28 "$W/x/lib/modules/$KVER/kernel/fs/ext4/ext4.ko" | grep -q "Module signature appended"; t "its signature is kept" $?
for m in virtio virtio_ring virtio_pci virtio_blk jbd2 mbcache crc16 crc32c_generic ext4; do
	find "$W/x/lib/modules" -name "$m.ko" | grep -q .; t "the image holds $m.ko" $?
done
[ "$(find "$W/x/lib/modules" -name '*.ko' | wc -l)" = 12 ]; t "and nothing else (12 modules)" $?
[ "$(readlink "$W/x/sbin/modprobe")" = /init ]; t "/sbin/modprobe links to /init" $?
(cd "$W" && zstd -dc a.img | cpio -tv --quiet 2>/dev/null) >"$W/list"
grep -q '^crw------- .* 5, *1 .* dev/console$' "$W/list"; t "/dev/console is char 5,1" $?
! grep -v ' Nov 14  2023 ' "$W/list" | grep -q .; t "every time is SOURCE_DATE_EPOCH" $?
"$MK" --dump-blob "$W/a.img" >"$W/dump"; t "--dump-blob reads the image" $?
grep -q '^module ext4 .*deps=jbd2,mbcache,crc16 softdep=' "$W/dump"; t "the blob has ext4's load list" $?

# a shell for the fatal path and install commands, static only
bb=$(command -v busybox || echo /bin/busybox)
mk $mods --listed --shell "$bb" -o "$W/sh.img" 2>/dev/null; t "--shell puts a static shell in" $?
mkdir "$W/xsh" && (cd "$W/xsh" && zstd -dc ../sh.img | cpio -idm --quiet 2>/dev/null)
cmp -s "$W/xsh/bin/sh" "$bb"; t "as /bin/sh" $?
mk $mods --listed --shell /bin/ls -o "$W/dyn.img" 2>"$W/err"; [ $? = 1 ] && grep -q '/bin/ls: dynamically linked' "$W/err"; t "a dynamically linked shell is refused" $?

# reproducible
mk $mods -o "$W/b.img" 2>/dev/null && cmp -s "$W/a.img" "$W/b.img"; t "a rebuild is byte-identical" $?
mk $mods --threads 1 -o "$W/c.img" 2>/dev/null && cmp -s "$W/a.img" "$W/c.img"; t "one thread gives the same bytes" $?
SOURCE_DATE_EPOCH=1 mk $mods -o "$W/d.img" 2>/dev/null && ! cmp -s "$W/a.img" "$W/d.img"; t "SOURCE_DATE_EPOCH changes the bytes" $?

# every compression, checked by its own tool
mk $mods --compress xz -o "$W/xz.img" 2>/dev/null && xz -t "$W/xz.img"; t "xz image passes xz -t" $?
xz --robot -lvv "$W/xz.img" | grep -q 'CRC32'; t "xz image uses CRC32 (the kernel's decoder needs it)" $?
mk $mods --compress gzip -o "$W/gz.img" 2>/dev/null && gzip -t "$W/gz.img"; t "gzip image passes gzip -t" $?
mk $mods --compress none -o "$W/raw.img" 2>/dev/null && cpio -t --quiet <"$W/raw.img" >/dev/null 2>&1; t "uncompressed image is a cpio archive" $?
for f in xz gz; do
	"$MK" --dump-blob "$W/$f.img" | cmp -s - "$W/dump"; t "$f image has the same blob" $?
done

# compressed trees: stored decompressed, signatures kept, the same image contents
for comp in zst xz; do
	tree=$MVD/$comp
	if [ ! -d "$tree/lib/modules/$KVER" ]; then
		t "$comp tree present (run tests/kmod/modtree_vs_depmod.sh first)" 1
		continue
	fi
	"$MK" -b "$tree" -k "$KVER" --no-modules-load --listed $mods -o "$W/$comp.img" 2>/dev/null; t "image from the .ko.$comp tree" $?
	mkdir "$W/x$comp" && (cd "$W/x$comp" && zstd -dc "../$comp.img" | cpio -idm --quiet 2>/dev/null)
	diff -r -x earlymod.blob "$W/x/lib/modules" "$W/x$comp/lib/modules" >/dev/null; t "its modules equal the plain tree's image, byte for byte" $?
done

# host files under -b ROOT: modules-load.d, /etc/modules, modprobe.d, the config file
R=$W/root
mkdir -p "$R/lib/modules" "$R/etc/modules-load.d" "$R/etc/modprobe.d" "$R/etc/earlymod"
ln -s "$MODDIR" "$R/lib/modules/$KVER"
printf 'virtio_blk\n# comment\n' >"$R/etc/modules-load.d/disk.conf"
printf 'ext4\n' >"$R/etc/modules"
printf 'options ext4 earlymod_test=1\n' >"$R/etc/modprobe.d/o.conf"
printf 'modules virtio_pci\ncompress xz\n' >"$R/etc/earlymod/mkinitfs.conf"
"$MK" -b "$R" -k "$KVER" --listed -o "$W/r.img" 2>"$W/err"; t "-b ROOT reads the host files" $?
"$MK" --dump-blob "$W/r.img" >"$W/rdump"
grep -q '^load 0 virtio_pci$' "$W/rdump" &&
	grep -q '^load 1 virtio_blk (blacklist applies)$' "$W/rdump" &&
	grep -q '^load 2 ext4 (blacklist applies)$' "$W/rdump"; t "the config, modules-load.d and /etc/modules are loaded at boot" $?
grep -q 'earlymod_test=1' "$W/rdump"; t "modprobe.d options are in the blob" $?
xz -t "$W/r.img" 2>/dev/null; t "the config file's compress setting is used" $?

# errors
mk -m no-such-module -o "$W/e1.img" 2>"$W/err"; [ $? = 1 ] && grep -q "no-such-module not found in $MODDIR (kernel $KVER" "$W/err"; t "an unknown module is an error naming the module and kernel" $?
printf 'modules ext4\nmodulez virtio_blk\n' >"$W/bad.conf"
mk -c "$W/bad.conf" -o "$W/e2.img" 2>"$W/err"; [ $? = 1 ] && grep -q "$W/bad.conf:2: unknown setting 'modulez'" "$W/err"; t "a bad config line names the file and line" $?
mk $mods -o "$W/no/such/dir/e3.img" 2>"$W/err"; [ $? = 1 ] && grep -q "$W/no/such/dir/e3.img" "$W/err"; t "an unwritable output is an error naming it" $?
cp "$W/a.img" "$W/keep.img"
mk -m no-such-module -o "$W/keep.img" 2>/dev/null; cmp -s "$W/a.img" "$W/keep.img"; t "a failed run leaves the old image untouched" $?
! ls "$W" | grep -q 'tmp'; t "no temporary file is left behind" $?
C=$W/corrupt
mkdir -p "$C/lib/modules"
cp -al "$MODDIR" "$C/lib/modules/"
rm "$C/lib/modules/$KVER/kernel/fs/jbd2/jbd2.ko"
head -c 5000 "$MODDIR/kernel/fs/jbd2/jbd2.ko" | zstd -q -c | head -c 3000 >"$C/lib/modules/$KVER/kernel/fs/jbd2/jbd2.ko.zst"
"$MK" -b "$C" -k "$KVER" --no-modules-load --listed $mods -o "$W/e4.img" 2>"$W/err"; [ $? = 1 ] && grep -q 'jbd2.ko.zst' "$W/err"; t "a truncated module is an error naming its file" $?
grep -h . "$W/err" | head -3 | sed 's/^/# /'
mk -o "$W/e5.img" 2>"$W/err"; [ $? = 1 ] && grep -q "no modules to load" "$W/err"; t "nothing to load is an error" $?

echo "image: $pass passed, $fail failed"
[ "$fail" = 0 ]
