#!/bin/bash
# SPDX-License-Identifier: MIT
# Tests the qemu/ tools themselves: boots every root image kind on every disk bus through
# a throwaway busybox initramfs, no earlymod code involved.
#
# usage: qemu/selftest.sh [--kernel PKG] [--jobs N] [CASE...]
#   CASE is FS:BUS[:MACHINE][:gpt], FS one of ext4 xfs btrfs, BUS one of boot.sh's,
#   MACHINE pc (default) or q35. Default: a set covering every FS, bus and the GPT path.
#   Each case: qemu/mkroot.sh makes the root image, a busybox /init loads the modules
#   the bus and FS need (dependencies from modinfo), mounts the root, moves /dev /proc
#   /sys into it and switch_roots to probe-init; qemu/boot.sh then checks the marker,
#   the modules and "=== ROOTFS FS". So when a loader test fails, these tell whether
#   the fault is in earlymod or in the test rig. Also checks boot.sh's verdicts on
#   logs known to be bad. Ends with "N passed, N failed".
#   Work files go to ${EARLYMOD_BUILD:-REPO/build}/qemu/selftest.
#   env SELFTEST_APPEND: more kernel arguments; SELFTEST_QEMU_ARGS: more qemu arguments
#   (split on blanks), e.g. extra devices (qemu/collect-modaliases.sh uses both).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kernel_pkg=linux-image-6.1.0-50-amd64
jobs=2
cases=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel_pkg=${2:?}; shift ;;
	--jobs) jobs=${2:?}; shift ;;
	-h | --help)
		awk 'NR >= 4 && /^#/ { sub(/^# ?/, ""); print; next } NR >= 4 { exit }' "$0" >&2
		exit 2
		;;
	-*) echo "selftest.sh: unknown option $1" >&2; exit 2 ;;
	*) cases+=("$1") ;;
	esac
	shift
done
if [ ${#cases[@]} -eq 0 ]; then
	cases=(ext4:virtio xfs:scsi btrfs:nvme:q35 ext4:ahci:q35 ext4:ahci xfs:ide
		ext4:usb ext4:virtio:pc:gpt btrfs:scsi:q35:gpt xfs:nvme:pc:gpt)
fi

"$here/deps.sh" busybox modinfo zstd

bin=$("$here/build-inits.sh")
work=$bin/selftest
mkdir -p "$work"
kroot=$("$here/fetch-kernel.sh" "$kernel_pkg")
eval "$("$here/kernel-info.sh" "$kroot")"

# name -> file of every module, names with _ (module names) not - (file names).
declare -A modfile builtin
while IFS= read -r f; do
	n=${f##*/}
	n=${n%%.ko*}
	modfile[${n//-/_}]=$f
done < <(find "$MODDIR" -name '*.ko*')
while IFS= read -r f; do
	n=${f##*/}
	n=${n%%.ko*}
	builtin[${n//-/_}]=1
done <"$MODDIR/modules.builtin"

# Without modules.alias (depmod makes it; the package has none) softdeps naming a
# crypto algorithm need this map. Only what these cases meet.
declare -A alias_of=(
	[crc32c]=crc32c_generic [crypto_crc32c]=crc32c_generic
	[crct10dif]=crct10dif_generic [crypto_crct10dif]=crct10dif_generic
	[crypto_crc64_rocksoft]=crc64_rocksoft_generic
	[blake2b_256]=blake2b_generic [sha256]=sha256_generic [xxhash64]=xxhash_generic
)

declare -A seen
order=()
resolve()
{
	local m=${1//-/_} f d
	[ -n "${alias_of[$m]:-}" ] && [ -z "${modfile[$m]:-}" ] && m=${alias_of[$m]//-/_}
	[ -z "${seen[$m]:-}" ] || return 0
	seen[$m]=1
	[ -z "${builtin[$m]:-}" ] || return 0
	f=${modfile[$m]:-}
	if [ -z "$f" ]; then
		echo "selftest.sh: no module $m in $MODDIR" >&2
		return 1
	fi
	for d in $(modinfo -F depends "$f" | tr ',' ' ') \
		$(modinfo -F softdep "$f" | sed -n 's/ *post:.*//; s/.*pre: *//p'); do
		resolve "$d" || return 1
	done
	# Crypto softdeps like these come from request_module() at run time, not modinfo.
	case $m in
	crc_t10dif) resolve crct10dif || return 1 ;;
	crc64_rocksoft) resolve crypto_crc64_rocksoft || return 1 ;;
	esac
	order+=("$m")
}

bus_modules()
{
	case $1 in
	virtio) echo virtio_pci virtio_blk ;;
	scsi) echo virtio_pci virtio_scsi sd_mod ;;
	ahci) echo ahci sd_mod ;;
	ide) echo ata_piix sd_mod ;;
	nvme) echo nvme ;;
	usb) echo xhci_pci usb_storage sd_mod ;;
	esac
}

bus_disk()
{
	case $1 in
	virtio) echo /dev/vda ;;
	nvme) echo /dev/nvme0n1 ;;
	*) echo /dev/sda ;;
	esac
}

# One initramfs per case: busybox, a shell /init and the modules, in load order.
make_initrd()
{
	local out=$1 list m f
	shift
	seen=()
	order=()
	for m; do
		resolve "$m" || return 1
	done
	list=$work/$(basename "$out").list
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "dir /proc 0555 0 0"
		echo "dir /sys 0555 0 0"
		echo "dir /newroot 0755 0 0"
		echo "dir /bin 0755 0 0"
		echo "file /bin/busybox $(command -v busybox) 0755 0 0"
		echo "slink /bin/sh busybox 0777 0 0"
		echo "file /init $work/init.sh 0755 0 0"
		echo "dir /modules 0755 0 0"
		for m in "${order[@]}"; do
			f=${modfile[$m]}
			echo "file /modules/$m.ko $f 0644 0 0"
			echo "$m" >&3
		done 3>"$work/$(basename "$out").order"
		echo "file /modules/order $work/$(basename "$out").order 0644 0 0"
	} >"$list"
	# The order file is written while the list is; gen-cpio reads both afterwards.
	"$here/gen-cpio.sh" "$list" | zstd -q -3 -f -o "$out"
}

cat >"$work/init.sh" <<'EOF'
#!/bin/sh
# selftest shim: load modules, mount selftest.root, hand over to its /sbin/init.
/bin/busybox --install -s /bin
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
for m in $(cat /modules/order); do
	insmod "/modules/$m.ko" || echo "shim: insmod $m failed"
done
root= fstype=
for a in $(cat /proc/cmdline); do
	case $a in
	selftest.root=*) root=${a#*=} ;;
	selftest.fstype=*) fstype=${a#*=} ;;
	esac
done
i=0
while [ ! -b "$root" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "shim: $root after $i waits"
mount -t "$fstype" "$root" /newroot || { echo "shim: mount failed"; exec sh; }
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
exec switch_root /newroot /sbin/init
EOF

uuid=3d1c2b4a-5e6f-4a8b-9c0d-1e2f3a4b5c6d
partuuid=7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9

run_case()
{
	local c=$1 fs bus machine gpt img initrd disk mods expect m
	IFS=: read -r fs bus machine gpt <<<"$c"
	machine=${machine:-pc}
	img=$work/root-${c//:/-}.img
	if [ -n "$gpt" ]; then
		"$here/mkroot.sh" --gpt "$img" "$fs" "st-$fs" "$uuid" "st-part" "$partuuid"
	else
		"$here/mkroot.sh" "$img" "$fs" "st-$fs" "$uuid"
	fi 2>"$img.err" || {
		echo "FAIL selftest $c: mkroot.sh: $(tail -n 1 "$img.err")"
		return 1
	}
	disk=$(bus_disk "$bus")
	if [ -n "$gpt" ]; then
		case $disk in
		*[0-9]) disk=${disk}p1 ;;
		*) disk=${disk}1 ;;
		esac
	fi
	mods="$(bus_modules "$bus") $fs"
	# Built-in ones (ext4 and nvme in the cloud kernel) are not in /proc/modules.
	expect=
	for m in $mods; do
		[ -n "${builtin[$m]:-}" ] || expect="$expect $m"
	done
	initrd=$work/initrd-${c//:/-}.img
	# shellcheck disable=SC2086 # a word list
	make_initrd "$initrd" $mods || { echo "FAIL selftest $c: no initramfs"; return 1; }
	"$here/boot.sh" --name "selftest ${c}" --kernel "$VMLINUZ" --initrd "$initrd" \
		--machine "$machine" --disk "$img:if=$bus" --log "$work/${c//:/-}.log" \
		--append "selftest.root=$disk selftest.fstype=$fs" --timeout 180 \
		--expect-marker --expect-modules "$expect" \
		--expect-console "=== ROOTFS $fs\$" --expect-console '=== PROC inherited' \
		--expect-console "=== CMDLINE .*selftest.root=$disk" --reject-console 'shim: '"insmod" \
		${SELFTEST_APPEND:+--append "$SELFTEST_APPEND"} "${extra_qemu[@]+"${extra_qemu[@]}"}"
}
extra_qemu=()
for a in ${SELFTEST_QEMU_ARGS:-}; do
	extra_qemu+=(--qemu-arg "$a")
done

passed=0
failed=0
tally()
{
	if grep -q '^PASS ' "$1"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	cat "$1"
}

# Two cases at once: TCG runs one vCPU on one host core.
running=0
outs=()
for c in "${cases[@]}"; do
	o=$work/out-${c//:/-}
	outs+=("$o")
	run_case "$c" >"$o" 2>&1 &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait || true
for o in "${outs[@]}"; do
	tally "$o"
done

# boot.sh must say FAIL, and why, for logs that are wrong in known ways.
good=$work/${cases[0]//:/-}.log
expect_fail()
{
	local what=$1 log=$2 reason=$3 out
	shift 3
	if out=$("$here/boot.sh" --check-log "$log" --name "verdict $what" "$@"); then
		echo "FAIL verdict $what: boot.sh said PASS"
		failed=$((failed + 1))
	elif ! printf '%s\n' "$out" | head -n 1 | grep -qF -- "$reason"; then
		echo "FAIL verdict $what: reason lacks '$reason': $(printf '%s\n' "$out" | head -n 1)"
		failed=$((failed + 1))
	else
		echo "PASS verdict $what"
		passed=$((passed + 1))
	fi
}
if [ -f "$good" ]; then
	bad=$work/bad.log
	expect_fail missing-module "$good" "module xfs not loaded" --expect-modules xfs
	m=$(awk '/=== MODULES BEGIN/ { f = 1; next } f && NF { print $1; exit }' "$good")
	expect_fail rejected-module "$good" "module $m loaded" --reject-modules "$m"
	expect_fail console-regex "$good" "console lacks" --expect-console 'NO SUCH LINE'
	expect_fail expect-panic "$good" "no kernel panic" --expect-panic
	grep -v 'EARLYMOD ROOT OK' "$good" >"$bad"
	expect_fail no-marker "$bad" "no '=== EARLYMOD ROOT OK' marker" --expect-marker
	sed 's/CHECK rootfs ok/CHECK rootfs FAIL/' "$good" >"$bad"
	expect_fail check-line "$bad" "CHECK rootfs FAIL"
	sed '/MODULES END/d' "$good" >"$bad"
	expect_fail no-modules "$bad" "no '=== MODULES BEGIN/END'" --expect-modules "$m"
	{ cat "$good"; echo "[    9.000000] Kernel panic - not syncing: test"; } >"$bad"
	expect_fail panic "$bad" "Kernel panic - not syncing: test"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
