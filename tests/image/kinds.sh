#!/bin/bash
# SPDX-License-Identifier: MIT
# kinds.sh: which modules go in the image, on the real Debian 6.1 trees: --generic (the
# classes, its size against --listed), --hostonly from a modalias list and from a fake
# sys tree (root device, dm stack, keyboards), --explain and -v, firmware, --check
# against a machine's modaliases, --keep-compressed and the kernel's config.
# Prints "kinds: N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
MK=$TOP/build/mkinitfs
FIX=$TOP/tests/image/fixtures
KPKG=$(bash "$TOP/qemu/fetch-kernel.sh" linux-image-6.1.0-50-amd64) || exit 1
KVER=$(ls "$KPKG/lib/modules")
MODDIR=$KPKG/lib/modules/$KVER
CLOUD=$(bash "$TOP/qemu/fetch-kernel.sh" linux-image-6.1.0-50-cloud-amd64-unsigned) || exit 1
CKVER=$(ls "$CLOUD/lib/modules")
MVD=${EARLYMOD_WORK:-/tmp/earlymod-modtree-vs-depmod}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT; [ -n "${KEEP:-}" ] && trap - EXIT
pass=0 fail=0
t() { # t NAME CONDITION-EXIT-CODE
	if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
mk() { "$MK" -b "$KPKG" -k "$KVER" --no-modules-load "$@"; }
# the modules an image holds, one name a line, sorted ('-' as '_')
mods_of() { zstd -dc "$1" | cpio -t --quiet 2>/dev/null | sed -n 's|.*/\([^/]*\)\.ko\(\.[a-z]*\)\?$|\1|p' | tr - _ | sort; }
has() { grep -qx "$2" "$1"; }
size() { stat -c %s "$1"; }
export SOURCE_DATE_EPOCH=1700000000

# --generic (the default) against --listed
mk -o "$W/gen.img" >"$W/gen.out" 2>"$W/gen.err"; t "a generic image is the default" $?
grep -q -- '--generic)$' "$W/gen.out"; t "its summary names the mode" $?
mods_of "$W/gen.img" >"$W/gen.mods"
for m in ahci nvme virtio_blk virtio_scsi virtio_pci sd_mod sr_mod usb_storage uas xhci_pci ehci_pci \
	ohci_pci uhci_hcd ext4 xfs btrfs vfat f2fs nls_cp437 nls_iso8859_1 usbhid hid_generic hv_storvsc \
	vmw_pvscsi mptsas megaraid_sas hpsa aacraid xen_blkfront loop dm_mod dm_crypt raid1 raid456 \
	mmc_block sdhci_pci hyperv_keyboard; do
	has "$W/gen.mods" "$m"; t "generic holds $m" $?
done
"$MK" --dump-blob "$W/gen.img" >"$W/gen.dump"
grep -q '^module atkbd builtin' "$W/gen.dump" && ! has "$W/gen.mods" atkbd
t "atkbd is built in (modules.builtin), so not in the image" $?
for m in e1000 e1000e snd_hda_intel amdgpu nouveau qla2xxx lpfc iscsi_tcp fcoe nvme_tcp nbd floppy \
	bcache zram cxgb4; do
	! has "$W/gen.mods" "$m"; t "generic leaves out $m" $?
done
mk --listed -m virtio_pci -m virtio_blk -m ext4 -o "$W/listed.img" >"$W/listed.out" 2>&1
gs=$(size "$W/gen.img") ls=$(size "$W/listed.img")
echo "# generic: $(wc -l <"$W/gen.mods") modules, $gs bytes; listed (virtio_pci virtio_blk ext4): $(mods_of "$W/listed.img" | wc -l) modules, $ls bytes"
[ "$gs" -gt $((ls * 4)) ] && [ "$gs" -lt $((10 * 1048576)) ]
t "generic is bigger than listed, and under 10 MiB (initramfs-tools MODULES=most: 29 MiB)" $?
mk --listed -o "$W/e.img" 2>"$W/err"; [ $? = 1 ] && grep -q "no modules to load" "$W/err"; t "--listed with nothing listed is an error" $?
"$MK" -b "$CLOUD" -k "$CKVER" --no-modules-load -o "$W/cloud.img" >/dev/null 2>&1; t "generic image of the cloud kernel" $?
mods_of "$W/cloud.img" >"$W/cloud.mods"
! has "$W/cloud.mods" ext4 && ! has "$W/cloud.mods" nvme && has "$W/cloud.mods" virtio_scsi
t "cloud: ext4 and nvme built in, virtio_scsi a module" $?
"$MK" -b "$CLOUD" -k "$CKVER" --no-modules-load --explain ext4 | grep -q '^ext4: built into the kernel'
t "--explain says a built-in module is built in" $?

# -v and --explain: reasons
mk -v --listed -m ext4 -o "$W/v.img" >/dev/null 2>"$W/v.err"
grep -q '^mkinitfs: jbd2: dependency of ext4, which is: listed by -m$' "$W/v.err"; t "-v: jbd2 is a dependency of ext4, listed by -m" $?
grep -q '^mkinitfs: crc32c_generic: softdep of ext4, which is: listed by -m$' "$W/v.err"; t "-v: crc32c_generic is a softdep of ext4" $?
[ "$(grep -c '^mkinitfs: [a-z0-9_]*: ' "$W/v.err")" = "$(mods_of "$W/v.img" | wc -l)" ]; t "-v gives a reason for every module" $?
mk --explain jbd2 >"$W/x" 2>&1; [ $? = 0 ] && grep -q '^jbd2: dependency of ext4, which is: generic class fs (kernel/fs/' "$W/x"
t "--explain jbd2 (generic): dependency of ext4, generic class fs" $?
mk --explain virtio_blk >"$W/x" 2>&1; [ $? = 0 ] && grep -q '^virtio_blk: generic class block (kernel/drivers/block/' "$W/x"
t "--explain virtio_blk (generic): class block" $?
mk --explain e1000 >"$W/x" 2>&1; [ $? = 1 ] && grep -q 'e1000 would not be in the image (--generic)' "$W/x"
t "--explain e1000: exit 1, would not be in the image" $?
mk --listed -m ext4 --explain xfs >"$W/x" 2>&1; [ $? = 1 ] && grep -q 'its class: fs' "$W/x"
t "--explain xfs with --listed: not in, of class fs" $?
mk --explain no-such-module >"$W/x" 2>&1; [ $? = 1 ] && grep -q 'no-such-module: no such module' "$W/x"
t "--explain of an unknown module: exit 1" $?
mk --explain ext4 -o "$W/never.img" >/dev/null 2>&1 && [ ! -e "$W/never.img" ]; t "--explain writes nothing, even with -o" $?
sed 's/^/# /' "$W/x"

R=$W/listroot
mkdir -p "$R/lib/modules" "$R/etc/modules-load.d" "$R/etc/earlymod"
ln -s "$MODDIR" "$R/lib/modules/$KVER"
echo virtio_blk >"$R/etc/modules-load.d/disk.conf"
echo ext4 >"$R/etc/modules"
echo 'modules virtio_pci' >"$R/etc/earlymod/mkinitfs.conf"
ex() { "$MK" -b "$R" -k "$KVER" --listed --explain "$1" 2>/dev/null; }
[ "$(ex virtio_blk)" = "virtio_blk: listed in $R/etc/modules-load.d/disk.conf" ]; t "--explain names the modules-load.d file" $?
[ "$(ex ext4)" = "ext4: listed in $R/etc/modules" ]; t "--explain names /etc/modules" $?
[ "$(ex virtio_pci)" = "virtio_pci: listed in the config file $R/etc/earlymod/mkinitfs.conf" ]; t "--explain names the config file" $?

# --hostonly from a captured modalias list (no topology: storage and keyboard classes)
mk --hostonly --modaliases "$FIX/pc-virtio.modaliases" --rootfs ext4 -o "$W/hm.img" >"$W/hm.out" 2>"$W/err"
t "--hostonly --modaliases makes an image" $?
mods_of "$W/hm.img" >"$W/hm.mods"
for m in virtio_pci virtio_blk ext4 jbd2 xhci_pci usbhid hid_generic; do
	has "$W/hm.mods" "$m"; t "hostonly (pc-virtio list) holds $m" $?
done
for m in e1000 8139cp 8139too virtio_net floppy ahci nvme xfs; do
	! has "$W/hm.mods" "$m"; t "hostonly (pc-virtio list) leaves out $m" $?
done
mk --hostonly --modaliases "$FIX/pc-virtio.modaliases" --rootfs ext4 --explain e1000 >"$W/x" 2>&1
[ $? = 1 ] && grep -q 'resolves to it, but it is no storage or keyboard driver' "$W/x"; t "--explain e1000: resolved, but no storage or keyboard driver" $?
mk --hostonly --modaliases "$FIX/pc-virtio.modaliases" --explain virtio_blk >"$W/x" 2>"$W/err"
grep -q '^virtio_blk: host device virtio:d00000002v00001AF4 (from ' "$W/x"; t "--explain virtio_blk: the host device's modalias" $?
grep -q 'no root filesystem type' "$W/err"; t "without --rootfs, a warning says there is no filesystem" $?
hs=$(size "$W/hm.img")
echo "# hostonly (pc-virtio list + ext4): $(wc -l <"$W/hm.mods") modules, $hs bytes"
[ "$hs" -lt $((gs / 4)) ]; t "hostonly is a fraction of generic" $?
printf 'blacklist virtio_blk\n' >"$W/bl.conf"
mk -C "$W/bl.conf" --hostonly --modaliases "$FIX/pc-virtio.modaliases" -o "$W/hb.img" >/dev/null 2>&1
! mods_of "$W/hb.img" | grep -qx virtio_blk; t "hostonly --modaliases applies the blacklist (modprobe -b)" $?

# --hostonly from a sys tree: root on a virtio partition
S=$W/sys
V=$S/devices/pci0000:00/0000:00:04.0
mkdir -p "$V/virtio1/block/vda/vda1" "$S/dev/block"
echo pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00 >"$V/modalias"
echo virtio:d00000002v00001AF4 >"$V/virtio1/modalias"
echo 254:0 >"$V/virtio1/block/vda/dev"
echo 254:1 >"$V/virtio1/block/vda/vda1/dev"
echo 1 >"$V/virtio1/block/vda/vda1/partition"
ln -s ../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1 "$S/dev/block/254:1"
mk --hostonly --sysfs "$S" --root-device 254:1 --rootfs ext4 -o "$W/hs.img" >/dev/null 2>"$W/err"
t "--hostonly --sysfs makes an image" $?
mods_of "$W/hs.img" >"$W/hs.mods"
mk --show-depends virtio_pci virtio_blk ext4 | sed -n 's|^insmod .*/\([^/]*\)\.ko.*|\1|p' | tr - _ | sort -u >"$W/want"
cmp -s "$W/hs.mods" "$W/want"; t "it holds exactly virtio_pci, virtio_blk, ext4 and what they load ($(tr '\n' ' ' <"$W/want"))" $?
mk --hostonly --sysfs "$S" --root-device 254:1 --rootfs ext4 --explain jbd2 >"$W/x" 2>/dev/null
grep -qx 'jbd2: dependency of ext4, which is: root filesystem ext4' "$W/x"; t "--explain jbd2: dependency of ext4, which is: root filesystem ext4" $?
mk --hostonly --sysfs "$S" --root-device 254:1 --rootfs ext4 --explain virtio_pci >"$W/x" 2>/dev/null
grep -qx 'virtio_pci: host device /devices/pci0000:00/0000:00:04.0 (pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00), under the root device 254:1' "$W/x"
t "--explain virtio_pci: the host device on the root device's path" $?
mk --hostonly --sysfs "$S" --root-device 8:1 --rootfs ext4 -o "$W/e.img" 2>"$W/err"
[ $? = 1 ] && grep -q 'dev/block/8:1.*root device is not in this sys tree' "$W/err"; t "an unknown root device is an error" $?
mk --hostonly --sysfs "$S" --rootfs ext4 -o "$W/e.img" 2>/dev/null; [ $? = 2 ]; t "--sysfs without --root-device is a usage error" $?
mk --modaliases "$FIX/pc-virtio.modaliases" -o "$W/e.img" 2>/dev/null; [ $? = 2 ]; t "--modaliases without --hostonly or --check is a usage error" $?
mk --generic --listed -o "$W/e.img" 2>/dev/null; [ $? = 2 ]; t "two modes are a usage error" $?

# root on an NVMe namespace under native multipath: the namespace hangs off a virtual
# subsystem that links its controller
N=$S/devices/virtual/nvme-subsystem/nvme-subsys0
mkdir -p "$N/nvme0n1/nvme0n1p1" "$S/devices/pci0000:00/0000:00:06.0/nvme/nvme0"
echo pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02 >"$S/devices/pci0000:00/0000:00:06.0/modalias"
echo 259:1 >"$N/nvme0n1/nvme0n1p1/dev"
echo 1 >"$N/nvme0n1/nvme0n1p1/partition"
ln -s ../../../pci0000:00/0000:00:06.0/nvme/nvme0 "$N/nvme0"
ln -s ../../devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1/nvme0n1p1 "$S/dev/block/259:1"
mk --hostonly --sysfs "$S" --root-device 259:1 --rootfs xfs -o "$W/hn.img" >/dev/null 2>&1
mods_of "$W/hn.img" >"$W/hn.mods"
has "$W/hn.mods" nvme && has "$W/hn.mods" nvme_core && has "$W/hn.mods" xfs && ! has "$W/hn.mods" virtio_blk
t "hostonly, root on a multipath NVMe namespace: nvme through the subsystem's controller link" $?

# --hostonly for the machine the test runs on: ROOT/sys is its /sys, the root device the
# one holding ROOT, the filesystem type the one /proc/self/mounts gives for it
H=$TOP/build/kinds-hostroot.$$
mkdir -p "$H/lib/modules"
ln -s "$MODDIR" "$H/lib/modules/$KVER"
ln -s /sys "$H/sys"
dev=$(stat -c '%Hd:%Ld' "$H/")
if [ -e "/sys/dev/block/$dev" ]; then
	"$MK" -b "$H" -k "$KVER" --no-modules-load --hostonly -v -o "$W/host.img" >/dev/null 2>"$W/host.err"
	t "--hostonly on this machine (root device $dev)" $?
	fstype=$(findmnt -n -o FSTYPE -T "$H/")
	grep -q "root filesystem $fstype" "$W/host.err"; t "its root filesystem type ($fstype) comes from /proc/self/mounts" $?
	grep -q "under the root device $dev" "$W/host.err"; t "its drivers come from the root device's sysfs path" $?
	grep '^mkinitfs: [a-z0-9_]*: ' "$W/host.err" | grep -v 'dependency of\|softdep of' | sed 's/^/# /'
else
	echo "# SKIP --hostonly on this machine: its root device $dev is not a block device in /sys"
fi
rm -rf "$H"

# a sys tree with root on dm-crypt over that partition, a PS/2 and a USB keyboard, a
# power button (keys, but no keyboard)
mkdir -p "$S/devices/virtual/block/dm-0/dm" "$S/devices/virtual/block/dm-0/slaves"
echo 253:0 >"$S/devices/virtual/block/dm-0/dev"
echo CRYPT-LUKS2-0123456789abcdef-root >"$S/devices/virtual/block/dm-0/dm/uuid"
ln -s ../../../../pci0000:00/0000:00:04.0/virtio1/block/vda/vda1 "$S/devices/virtual/block/dm-0/slaves/vda1"
ln -s ../../devices/virtual/block/dm-0 "$S/dev/block/253:0"
kbd() { # kbd DEVDIR INPUT NAME EV KEY
	mkdir -p "$S/$1/input/$2/capabilities" "$S/class/input"
	echo "$3" >"$S/$1/input/$2/name"
	echo "$4" >"$S/$1/input/$2/capabilities/ev"
	echo "$5" >"$S/$1/input/$2/capabilities/key"
	ln -s "../../$1/input/$2" "$S/class/input/$2"
}
mkdir -p "$S/devices/platform/i8042/serio0"
echo platform:i8042 >"$S/devices/platform/i8042/modalias"
echo serio:ty01pr00id00ex00 >"$S/devices/platform/i8042/serio0/modalias"
kbd devices/platform/i8042/serio0 input0 "AT Translated Set 2 keyboard" 120013 \
	"402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe"
U=devices/pci0000:00/0000:00:05.0/usb1/1-1/1-1:1.0
mkdir -p "$S/$U/0003:0627:0001.0001" "$S/bus/hid/drivers/hid-generic" "$S/module/hid_generic"
echo pci:v00001B36d0000000Dsv00001AF4sd00001100bc0Csc03i30 >"$S/devices/pci0000:00/0000:00:05.0/modalias"
echo usb:v0627p0001d0000dc00dsc00dp00ic03isc01ip01in00 >"$S/$U/modalias"
ln -s ../../../../module/hid_generic "$S/bus/hid/drivers/hid-generic/module"
ln -s ../../../../../../../bus/hid/drivers/hid-generic "$S/$U/0003:0627:0001.0001/driver"
kbd "$U/0003:0627:0001.0001" input1 "QEMU QEMU USB Keyboard" 120013 \
	"1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe"
mkdir -p "$S/devices/LNXSYSTM:00/LNXPWRBN:00"
echo acpi:LNXPWRBN: >"$S/devices/LNXSYSTM:00/LNXPWRBN:00/modalias"
kbd devices/LNXSYSTM:00/LNXPWRBN:00 input2 "Power Button" 3 "10000000000000 0"
mk --hostonly --sysfs "$S" --root-device 253:0 --rootfs ext4 -v -o "$W/hd.img" >/dev/null 2>"$W/hd.err"
t "--hostonly --sysfs with dm and keyboards" $?
mods_of "$W/hd.img" >"$W/hd.mods"
for m in dm_mod dm_crypt virtio_pci virtio_blk ext4 xhci_pci usbhid hid_generic; do
	has "$W/hd.mods" "$m"; t "hostonly (dm, keyboards) holds $m" $?
done
! has "$W/hd.mods" e1000 && ! has "$W/hd.mods" xfs && ! has "$W/hd.mods" ahci; t "and nothing of the generic classes it does not use" $?
grep -q '^mkinitfs: dm_crypt: host device /devices/virtual/block/dm-0 (device mapper CRYPT-LUKS2-' "$W/hd.err"; t "dm_crypt: from the dm device's uuid" $?
grep -q '^mkinitfs: virtio_blk: host device .*virtio1 (virtio:d00000002v00001AF4), under the root device 253:0$' "$W/hd.err"
t "virtio_blk: through dm-0's slave" $?
grep -q '^mkinitfs: hid_generic: host device .*0003:0627:0001.0001 (driver hid_generic), under the keyboard input1 "QEMU QEMU USB Keyboard"$' "$W/hd.err"
t "hid_generic: the bound driver of the USB keyboard's HID device" $?
grep -q 'host device /devices/platform/i8042/serio0 (serio:ty01pr00id00ex00), under the keyboard input0 "AT Translated Set 2 keyboard"$' "$W/hd.err"
t "the PS/2 keyboard's serio port is walked (atkbd is built in; udev would load what else matches)" $?
! grep -q 'input2\|LNXPWRBN' "$W/hd.err"; t "a power button is no keyboard" $?

# firmware: qla1280 names qlogic/{12160,1280,1040}.bin, wd719x wd719x-{risc,wcs}.bin
R=$W/fwroot
mkdir -p "$R/lib/modules" "$R/lib/firmware/qlogic" "$W/elsewhere"
ln -s "$MODDIR" "$R/lib/modules/$KVER"
echo fw1280 >"$R/lib/firmware/qlogic/1280.bin"
echo fw12160 | xz -c >"$R/lib/firmware/qlogic/12160.bin.xz"
ln -s 1280.bin "$R/lib/firmware/qlogic/1040.bin"
echo risc >"$W/elsewhere/risc.bin"
ln -s "$W/elsewhere/risc.bin" "$R/lib/firmware/wd719x-risc.bin"
"$MK" -b "$R" -k "$KVER" --no-modules-load --listed -m qla1280 -m wd719x -v -o "$W/fw.img" >"$W/fw.out" 2>"$W/fw.err"
t "an image with firmware" $?
mkdir "$W/fwx" && (cd "$W/fwx" && zstd -dc "$W/fw.img" | cpio -idm --quiet 2>/dev/null)
cmp -s "$W/fwx/lib/firmware/qlogic/1280.bin" "$R/lib/firmware/qlogic/1280.bin"; t "qlogic/1280.bin is in, byte for byte" $?
cmp -s "$W/fwx/lib/firmware/qlogic/12160.bin.xz" "$R/lib/firmware/qlogic/12160.bin.xz"; t "qlogic/12160.bin.xz is in as it is" $?
[ "$(readlink "$W/fwx/lib/firmware/qlogic/1040.bin")" = 1280.bin ]; t "qlogic/1040.bin stays a link to 1280.bin" $?
[ -f "$W/fwx/lib/firmware/wd719x-risc.bin" ] && [ ! -L "$W/fwx/lib/firmware/wd719x-risc.bin" ] &&
	cmp -s "$W/fwx/lib/firmware/wd719x-risc.bin" "$W/elsewhere/risc.bin"
t "a link out of the firmware directory is stored as the file it reaches" $?
grep -q 'wd719x: firmware wd719x-wcs.bin not in' "$W/fw.err"; t "missing firmware is a -v note" $?
grep -q '4 firmware files' "$W/fw.out"; t "the summary counts the firmware files" $?
"$MK" -b "$R" -k "$KVER" --no-modules-load -o "$W/fwg.img" >/dev/null 2>&1 &&
	zstd -dc "$W/fwg.img" | cpio -t --quiet 2>/dev/null | grep -qx 'lib/firmware/qlogic/1280.bin'
t "the generic image takes qla1280's firmware too" $?

# --check IMAGE --modaliases FILE
"$MK" --check "$W/listed.img" --modaliases "$FIX/q35-ahci.modaliases" -b "$KPKG" >"$W/chk" 2>&1; rc=$?
sed 's/^/# /' "$W/chk"
[ $rc = 1 ]; t "--check: a listed virtio image cannot drive the q35 AHCI machine (exit 1)" $?
grep -qx 'missing: ahci for pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01' "$W/chk"; t "missing: ahci for the AHCI controller's modalias" $?
grep -qx 'missing: sd_mod for scsi:t-0x00' "$W/chk"; t "missing: sd_mod for the disk" $?
! grep -q 'e1000e\|snd_hda\|i2c_i801\|lpc_ich' "$W/chk"; t "devices that are not storage are not asked for" $?
"$MK" --check "$W/gen.img" --modaliases "$FIX/q35-ahci.modaliases" -b "$KPKG" >"$W/chk" 2>&1
[ $? = 0 ] && grep -q "drives every storage device in $FIX/q35-ahci.modaliases" "$W/chk"; t "--check: the generic image passes (exit 0)" $?
"$MK" --check "$W/hm.img" --modaliases "$FIX/pc-virtio.modaliases" -b "$KPKG" >/dev/null 2>&1; t "--check: the hostonly image drives the machine it was made for" $?
"$MK" --check "$W/gen.img" -b "$KPKG" >/dev/null 2>&1; [ $? = 2 ]; t "--check without --modaliases is a usage error" $?

# --keep-compressed on the .ko.zst tree: the kernel's config decides
ZT=$MVD/zst
if [ -d "$ZT/lib/modules/$KVER" ]; then
	R=$W/zroot
	mkdir -p "$R/lib/modules" "$R/boot"
	ln -s "$ZT/lib/modules/$KVER" "$R/lib/modules/$KVER"
	kc() { "$MK" -b "$R" -k "$KVER" --no-modules-load --listed -m virtio_pci -m virtio_blk -m ext4 --keep-compressed "$@"; }
	grep -v MODULE_DECOMPRESS "$KPKG/boot/config-$KVER" >"$R/boot/config-$KVER"
	kc -o "$W/kc.img" >/dev/null 2>"$W/err"; rc=$?
	[ $rc = 1 ] && grep -q "this kernel cannot decompress modules: CONFIG_MODULE_DECOMPRESS is not set in $R/boot/config-$KVER" "$W/err"
	t "--keep-compressed refuses a 6.1 config without MODULE_DECOMPRESS" $?
	[ ! -e "$W/kc.img" ]; t "and writes nothing" $?
	printf 'CONFIG_MODULE_COMPRESS_ZSTD=y\nCONFIG_MODULE_DECOMPRESS=y\n' >"$R/boot/config-$KVER"
	kc -o "$W/kc.img" >/dev/null 2>"$W/err"; t "--keep-compressed with MODULE_DECOMPRESS=y" $?
	zstd -dc "$W/kc.img" | cpio -t --quiet 2>/dev/null >"$W/kc.list"
	grep -qx "lib/modules/$KVER/kernel/fs/ext4/ext4.ko.zst" "$W/kc.list" && ! grep -q '\.ko$' "$W/kc.list"
	t "the image holds .ko.zst files, and no .ko" $?
	zstd -dc "$W/kc.img" | cpio -i --quiet --to-stdout "lib/modules/$KVER/kernel/fs/ext4/ext4.ko.zst" 2>/dev/null |
		cmp -s - "$ZT/lib/modules/$KVER/kernel/fs/ext4/ext4.ko.zst"
	t "ext4.ko.zst is the tree's file, byte for byte" $?
	"$MK" --dump-blob "$W/kc.img" | grep -q '^module ext4 path=kernel/fs/ext4/ext4.ko.zst image=kernel/fs/ext4/ext4.ko.zst '
	t "the blob's image path keeps .zst" $?
	printf 'CONFIG_MODULE_COMPRESS_XZ=y\nCONFIG_MODULE_DECOMPRESS=y\n' >"$R/boot/config-$KVER"
	kc -o "$W/kc2.img" >/dev/null 2>"$W/err"; [ $? = 1 ] && grep -q 'is compressed with zstd, but kernel .* decompresses xz only' "$W/err"
	t "--keep-compressed refuses zstd modules for a kernel that decompresses xz" $?
	rm "$R/boot/config-$KVER"
	kc -o "$W/kc3.img" >/dev/null 2>"$W/err"; [ $? = 0 ] && grep -q 'warning: .*config-.*cannot tell whether kernel' "$W/err"
	t "without a kernel config: a warning, and the image" $?
	"$MK" -b "$R" -k "$KVER" --no-modules-load --listed -m ext4 -o "$W/kd.img" >/dev/null 2>&1 &&
		zstd -dc "$W/kd.img" | cpio -t --quiet 2>/dev/null | grep -qx "lib/modules/$KVER/kernel/fs/ext4/ext4.ko"
	t "without --keep-compressed the same tree gives .ko files" $?
else
	t "zst tree present (run tests/kmod/modtree_vs_depmod.sh first)" 1
fi

echo "kinds: $pass passed, $fail failed"
[ "$fail" = 0 ]
