# lib.sh: shared by the kmod differential tests. Sourced, not run.
# Sets KPKG (the extracted Debian kernel package), KVER, KROOT (a copy of its module
# tree with depmod's files, which kmod's modprobe needs) and helpers to run kmod 30
# as the oracle with a private /proc/cmdline.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
CACHE=${EARLYMOD_CACHE:-$HOME/.cache/earlymod}
FLAVOUR=${FLAVOUR:-linux-image-6.1.0-50-amd64}
command -v modprobe >/dev/null 2>&1 && command -v depmod >/dev/null 2>&1 ||
	{ apt-get update -q >/dev/null && apt-get install -y -q kmod >/dev/null; }
KPKG=$(bash "$TOP/qemu/fetch-kernel.sh" "$FLAVOUR")
KVER=$(ls "$KPKG/lib/modules")
KROOT=$CACHE/$FLAVOUR-depmod
if [ ! -f "$KROOT/lib/modules/$KVER/modules.dep.bin" ]; then
	rm -rf "$KROOT.tmp"
	mkdir -p "$KROOT.tmp/lib/modules"
	cp -al "$KPKG/lib/modules/$KVER" "$KROOT.tmp/lib/modules/"
	depmod -b "$KROOT.tmp" "$KVER"
	rm -rf "$KROOT"
	mv "$KROOT.tmp" "$KROOT"
fi
MKINITFS=$TOP/build/mkinitfs
LOADER=$TOP/build/loader
unset MODPROBE_OPTIONS

# kmod_show_depends CMDLINE "OPTIONS" NAME...: modprobe -D -a as kmod 30 prints it,
# OPTIONS its flags and -C paths (split on blanks), with CMDLINE bound over
# /proc/cmdline so the host's does not leak in
kmod_show_depends() {
	cl=$1 opts=$2
	shift 2
	printf '%s\n' "$cl" >"$WORK/cmdline"
	# shellcheck disable=SC2086
	unshare -m sh -c 'mount --bind "$1" /proc/cmdline; shift; exec "$@"' sh \
		"$WORK/cmdline" modprobe -D -a -d "$KROOT" -S "$KVER" $opts "$@" 2>"$WORK/kmod.err"
}

pass=0 fail=0
result() { # result NAME OK
	if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
