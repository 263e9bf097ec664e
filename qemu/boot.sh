#!/bin/bash
# SPDX-License-Identifier: MIT
# Boots one test case in QEMU (TCG, never KVM), checks the serial log, says PASS or FAIL.
#
# usage: qemu/boot.sh [OPTIONS]
#   --name NAME            name in the PASS/FAIL line (default: the log's basename)
#   --kernel VMLINUZ|PKG   a kernel image, or a Debian package name that
#                          qemu/fetch-kernel.sh fetches
#                          (default linux-image-6.1.0-50-amd64)
#   --initrd IMG           the initramfs (optional)
#   --disk IMG[:if=BUS]    a raw disk; BUS is virtio (default), scsi (virtio-scsi),
#                          ahci, ide (PIIX on pc; the ICH9 AHCI on q35), nvme or usb
#                          (xHCI + usb-storage). Repeatable; disks are numbered d0, d1...
#                          in order. Writes go to a throwaway overlay unless
#                          --no-snapshot.
#   --append "ARGS"        appended to "console=ttyS0 panic=-1 printk.time=1"; repeatable
#   --machine pc|q35       default pc
#   --memory MB            default 512
#   --timeout SEC          whole run, default 120
#   --log FILE             the serial log (default: a new file in ${TMPDIR:-/tmp}), kept;
#                          qemu's own stderr goes to FILE.stderr when it says anything
#   --expect-marker        require "=== EARLYMOD ROOT OK" (printed by probe-init)
#   --expect-modules "M.." each must be loaded (first word of a /proc/modules line between
#                          "=== MODULES BEGIN" and "=== MODULES END"); repeatable
#   --reject-modules "M.." none may be loaded; repeatable
#   --expect-console RE    an extended regex some log line must match; repeatable
#   --reject-console RE    an extended regex no log line may match; repeatable
#   --expect-panic         require "Kernel panic" (otherwise one is a failure)
#   --qemu-arg ARG         one more qemu argument, verbatim; repeatable
#   --no-snapshot          let the guest write to the disk images
#   --print-cmd            print the qemu command line on stderr before running it
#   --check-log FILE       boot nothing: run the checks on an existing serial log
#   --result FILE          also write the outcome as shell assignments: STATUS=PASS|FAIL
#                          WALL= UPTIME= RUN_INIT= INIT_TO_ROOT= (seconds; empty if
#                          unknown)
#
# Always failures: a timeout, qemu failing, a "=== CHECK ... FAIL" or "=== ERROR" line.
# Prints "PASS NAME (WALL s, uptime U, init->root D s)" or "FAIL NAME: REASONS" and the
# last 40 log lines; exits 0 on PASS, 1 on FAIL, 2 on bad usage. U is the guest uptime
# init printed ("=== UPTIME" or "=== TRIVIAL INIT UPTIME"); D is U minus the printk time
# of the kernel's "Run /init as init process" line: what the initramfs cost.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
me=boot.sh
marker='=== EARLYMOD ROOT OK'

usage()
{
	awk 'NR >= 4 && /^#/ { sub(/^# ?/, ""); print; next } NR >= 4 { exit }' "$0" >&2
	exit 2
}

bad()
{
	echo "$me: $*" >&2
	exit 2
}

name=
kernel=linux-image-6.1.0-50-amd64
initrd=
disks=()
append=
machine=pc
memory=512
timeout_s=120
log=
expect_marker=0
expect_panic=0
expect_mods=()
reject_mods=()
expect_console=()
reject_console=()
qemu_extra=()
snapshot=on
print_cmd=0
check_only=0
result=

need()
{
	[ $# -ge 2 ] || bad "$1 needs a value"
}

while [ $# -gt 0 ]; do
	case $1 in
	--*=*)
		opt=${1%%=*}
		val=${1#*=}
		shift
		set -- "$opt" "$val" "$@"
		continue
		;;
	esac
	case $1 in
	--name) need "$@"; name=$2; shift ;;
	--kernel) need "$@"; kernel=$2; shift ;;
	--initrd) need "$@"; initrd=$2; shift ;;
	--disk) need "$@"; disks+=("$2"); shift ;;
	--append) need "$@"; append="${append:+$append }$2"; shift ;;
	--machine) need "$@"; machine=$2; shift ;;
	--memory) need "$@"; memory=$2; shift ;;
	--timeout) need "$@"; timeout_s=$2; shift ;;
	--log) need "$@"; log=$2; shift ;;
	--expect-marker) expect_marker=1 ;;
	--expect-panic) expect_panic=1 ;;
	--expect-modules) need "$@"; read -r -a m <<<"$2"; expect_mods+=("${m[@]}"); shift ;;
	--reject-modules) need "$@"; read -r -a m <<<"$2"; reject_mods+=("${m[@]}"); shift ;;
	--expect-console) need "$@"; expect_console+=("$2"); shift ;;
	--reject-console) need "$@"; reject_console+=("$2"); shift ;;
	--qemu-arg) need "$@"; qemu_extra+=("$2"); shift ;;
	--no-snapshot) snapshot=off ;;
	--print-cmd) print_cmd=1 ;;
	--check-log) need "$@"; log=$2; check_only=1; shift ;;
	--result) need "$@"; result=$2; shift ;;
	-h | --help) usage ;;
	*) bad "unknown argument '$1' (--help lists them)" ;;
	esac
	shift
done

case $machine in
pc | q35) ;;
*) bad "--machine must be pc or q35" ;;
esac
case $timeout_s in
'' | *[!0-9]*) bad "--timeout takes whole seconds" ;;
esac

# Sets log, name and wall; leaves the serial log in $log with CRs removed.
boot()
{
	"$here/deps.sh" qemu-system-x86_64 timeout

	if [ ! -f "$kernel" ]; then
		case $kernel in
		*/*) bad "$kernel: no such file" ;;
		esac
		root=$("$here/fetch-kernel.sh" "$kernel")
		kernel=$("$here/kernel-info.sh" "$root" | sed -n 's/^VMLINUZ=//p')
		kernel=${kernel#\'}
		kernel=${kernel%\'}
	fi
	[ -z "$initrd" ] || [ -f "$initrd" ] || bad "$initrd: no such file"

	if [ -z "$log" ]; then
		log=$(mktemp --suffix=.log "${TMPDIR:-/tmp}/earlymod-boot.XXXXXX")
	fi
	[ -n "$name" ] || name=$(basename "$log" .log)
	: >"$log"

	# One device per disk, controllers added once, on the bus the test names.
	dev_args=()
	have_scsi=0
	have_ahci=0
	have_xhci=0
	n_ahci=0
	n_ide=0
	i=0
	for spec in "${disks[@]+"${disks[@]}"}"; do
		img=${spec%%:*}
		bus=virtio
		if [ "$img" != "$spec" ]; then
			IFS=: read -r -a opts <<<"${spec#*:}"
			for o in "${opts[@]}"; do
				case $o in
				if=*) bus=${o#if=} ;;
				*) bad "--disk $spec: unknown option '$o'" ;;
				esac
			done
		fi
		[ -f "$img" ] || bad "--disk $spec: $img: no such file"
		case $img in
		*,*) bad "--disk $spec: qemu cannot take a ',' in a file name" ;;
		esac
		id=d$i
		dev_args+=(-drive "file=$img,format=raw,if=none,id=$id,snapshot=$snapshot")
		case $bus in
		virtio)
			dev_args+=(-device "virtio-blk-pci,drive=$id,serial=earlymod$i")
			;;
		scsi)
			if [ "$have_scsi" = 0 ]; then
				dev_args+=(-device "virtio-scsi-pci,id=scsi0")
				have_scsi=1
			fi
			dev_args+=(-device "scsi-hd,drive=$id,bus=scsi0.0,serial=earlymod$i")
			;;
		ahci)
			if [ "$machine" = q35 ]; then
				# q35's ICH9 has an AHCI controller built in, ports ide.0 to ide.5.
				dev_args+=(-device "ide-hd,drive=$id,bus=ide.$n_ahci,serial=earlymod$i")
			else
				if [ "$have_ahci" = 0 ]; then
					dev_args+=(-device "ahci,id=ahci0")
					have_ahci=1
				fi
				dev_args+=(-device "ide-hd,drive=$id,bus=ahci0.$n_ahci,serial=earlymod$i")
			fi
			n_ahci=$((n_ahci + 1))
			;;
		ide)
			if [ "$machine" = q35 ]; then
				# The same ICH9 AHCI ports as "ahci" above.
				dev_args+=(-device "ide-hd,drive=$id,bus=ide.$n_ahci,serial=earlymod$i")
				n_ahci=$((n_ahci + 1))
			else
				# PIIX: two channels, ide.0 and ide.1, of two units each.
				dev_args+=(-device "ide-hd,drive=$id,bus=ide.$((n_ide / 2))")
				dev_args[-1]+=",unit=$((n_ide % 2)),serial=earlymod$i"
				n_ide=$((n_ide + 1))
			fi
			;;
		nvme)
			dev_args+=(-device "nvme,serial=deadbeef$i,drive=$id")
			;;
		usb)
			if [ "$have_xhci" = 0 ]; then
				dev_args+=(-device "qemu-xhci,id=xhci0")
				have_xhci=1
			fi
			dev_args+=(-device "usb-storage,bus=xhci0.0,drive=$id,serial=earlymod$i")
			;;
		*)
			bad "--disk $spec: unknown bus '$bus' (virtio scsi ahci ide nvme usb)"
			;;
		esac
		i=$((i + 1))
	done

	# -nodefaults: no NIC, VGA, floppy or CD-ROM, whose drivers would only add noise and
	# boot time; the serial port is the one device we always want.
	cmd=(qemu-system-x86_64 -machine "$machine" -accel tcg -m "$memory" -smp 1
		-nodefaults -no-user-config -display none -no-reboot
		-serial "file:$log"
		-kernel "$kernel")
	[ -z "$initrd" ] || cmd+=(-initrd "$initrd")
	cmd+=(-append "console=ttyS0 panic=-1 printk.time=1${append:+ $append}")
	cmd+=("${dev_args[@]+"${dev_args[@]}"}" "${qemu_extra[@]+"${qemu_extra[@]}"}")

	if [ "$print_cmd" = 1 ]; then
		printf '%q ' "${cmd[@]}" >&2
		echo >&2
	fi

	t0=$(date +%s.%N)
	rc=0
	timeout -k 5 "$timeout_s" "${cmd[@]}" </dev/null >"$log.stderr" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	[ -s "$log.stderr" ] || rm -f "$log.stderr"

	# The serial port sends CR LF; keep the log readable.
	tr -d '\r' <"$log" >"$log.tmp" && mv -f "$log.tmp" "$log"
}

wall=n/a
if [ "$check_only" = 1 ]; then
	[ -f "$log" ] || bad "$log: no such file"
	[ -n "$name" ] || name=$(basename "$log" .log)
	rc=0
	slog=$(mktemp)
	trap 'rm -f "$slog"' EXIT
	tr -d '\r' <"$log" >"$slog"
else
	boot
	slog=$log
fi
reasons=()
fail()
{
	reasons+=("$*")
}

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail "timeout after ${timeout_s}s"
elif [ "$rc" != 0 ]; then
	fail "qemu exited $rc: $(tail -n 1 "$log.stderr" 2>/dev/null || true)"
fi

panic_line=$(grep -m1 'Kernel panic' "$slog" || true)
if [ "$expect_panic" = 1 ]; then
	[ -n "$panic_line" ] || fail "no kernel panic"
elif [ -n "$panic_line" ]; then
	fail "${panic_line#*\] }"
fi

if [ "$expect_marker" = 1 ] && ! grep -qF "$marker" "$slog"; then
	fail "no '$marker' marker"
fi
while IFS= read -r l; do
	fail "${l#*=== }"
done < <(grep -oE '=== (CHECK [^ ]+ FAIL|ERROR .*)' "$slog" || true)

if [ ${#expect_mods[@]} -gt 0 ] || [ ${#reject_mods[@]} -gt 0 ]; then
	if grep -qF '=== MODULES END' "$slog"; then
		loaded=" $(awk '/=== MODULES BEGIN/ { f = 1; next }
			/=== MODULES END/ { f = 0 }
			f && NF { print $1 }' "$slog" | tr '\n' ' ')"
		for m in "${expect_mods[@]+"${expect_mods[@]}"}"; do
			m=${m//-/_}
			case $loaded in
			*" $m "*) ;;
			*) fail "module $m not loaded" ;;
			esac
		done
		for m in "${reject_mods[@]+"${reject_mods[@]}"}"; do
			m=${m//-/_}
			case $loaded in
			*" $m "*) fail "module $m loaded" ;;
			esac
		done
	else
		fail "no '=== MODULES BEGIN/END' section"
	fi
fi

for re in "${expect_console[@]+"${expect_console[@]}"}"; do
	grep -qE -- "$re" "$slog" || fail "console lacks /$re/"
done
for re in "${reject_console[@]+"${reject_console[@]}"}"; do
	if l=$(grep -m1 -E -- "$re" "$slog"); then
		fail "console has /$re/: $l"
	fi
done

uptime=$(sed -n 's/.*=== \(TRIVIAL INIT \)\{0,1\}UPTIME \([0-9][0-9.]*\).*/\2/p' "$slog" |
	head -n 1)
run_init=$(sed -n 's/^\[ *\([0-9][0-9]*\.[0-9]*\)\] Run \(.*\) as init process.*/\1/p' \
	"$slog" | head -n 1)
init_to_root=
if [ -n "$uptime" ] && [ -n "$run_init" ]; then
	# uptime has 2 decimals, printk 6: a trivial init can come out a hair negative.
	init_to_root=$(awk -v a="$run_init" -v b="$uptime" \
		'BEGIN { d = b - a; if (d < 0 && d > -0.01) d = 0; printf "%.2f", d }')
fi
timing="$wall s"
[ "$wall" != n/a ] || timing="no boot"
[ -z "$uptime" ] || timing="$timing, uptime $uptime"
[ -z "$init_to_root" ] || timing="$timing, init->root $init_to_root s"

if [ -n "$result" ]; then
	status=PASS
	[ ${#reasons[@]} -eq 0 ] || status=FAIL
	[ "$wall" != n/a ] || wall=
	printf 'STATUS=%s\nWALL=%s\nUPTIME=%s\nRUN_INIT=%s\nINIT_TO_ROOT=%s\n' \
		"$status" "$wall" "$uptime" "$run_init" "$init_to_root" >"$result"
fi

if [ ${#reasons[@]} -eq 0 ]; then
	echo "PASS $name ($timing)"
	exit 0
fi
msg=
for r in "${reasons[@]}"; do
	msg="${msg:+$msg; }$r"
done
echo "FAIL $name: $msg ($timing)"
echo "---- last 40 lines of $log"
tail -n 40 "$slog" | sed 's/^/| /'
if [ -f "$log.stderr" ]; then
	echo "---- qemu stderr ($log.stderr)"
	tail -n 10 "$log.stderr" | sed 's/^/| /'
fi
exit 1
