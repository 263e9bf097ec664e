#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds a root disk image for the boot tests, as a plain user would: no mount, no loop.
#
# usage: qemu/mkroot.sh [OPTIONS] OUT.img FSTYPE [LABEL] [UUID]
#        qemu/mkroot.sh [OPTIONS] --gpt OUT.img FSTYPE LABEL UUID PARTLABEL PARTUUID
#   FSTYPE: ext4, ext3, ext2, xfs or btrfs. LABEL and UUID are the filesystem's ("" or
#   absent: none / random). Label limits: ext* 16 bytes, xfs 12, btrfs 255.
#   --gpt: OUT.img is a GPT disk whose partition 1 (1 MiB aligned, type 8300, name
#     PARTLABEL, unique GUID PARTUUID) holds the filesystem; the disk GUID is random.
#   --size SIZE   filesystem size (truncate syntax); default 64M, xfs 300M (the least
#                 mkfs.xfs 6.1 accepts). Images are sparse: a few MB on disk
#                 (xfs: ~65 MB, mkfs.xfs writes its whole log).
#   --init FILE   the file to install as /sbin/init (default: probe-init, built by
#                 qemu/build-inits.sh).
#   --add SRC:DEST  also install host file SRC at DEST (absolute) in the image, mode
#                 kept; repeatable.
#
# Contents: /sbin/init, empty /proc /sys /dev /run and /tmp (1777), all owned by 0:0.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
me=mkroot.sh

die()
{
	echo "$me: $*" >&2
	exit 1
}

usage()
{
	awk 'NR >= 4 && /^#/ { sub(/^# ?/, ""); print; next } NR >= 4 { exit }' "$0" >&2
	exit 2
}

gpt=0
size=
init=
adds=()
while [ $# -gt 0 ]; do
	case $1 in
	--gpt) gpt=1 ;;
	--size) size=${2:?--size needs a value}; shift ;;
	--size=*) size=${1#*=} ;;
	--init) init=${2:?--init needs a file}; shift ;;
	--init=*) init=${1#*=} ;;
	--add) adds+=("${2:?--add needs SRC:DEST}"); shift ;;
	--add=*) adds+=("${1#*=}") ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done

if [ "$gpt" = 1 ]; then
	[ $# -eq 6 ] || usage
else
	if [ $# -lt 2 ] || [ $# -gt 4 ]; then
		usage
	fi
fi
out=$1
fstype=$2
label=${3:-}
uuid=${4:-}
partlabel=${5:-}
partuuid=${6:-}

case $fstype in
ext2 | ext3 | ext4) "$here/deps.sh" mkfs.ext4 ;;
xfs) "$here/deps.sh" mkfs.xfs ;;
btrfs) "$here/deps.sh" mkfs.btrfs ;;
*) die "unsupported filesystem '$fstype' (ext2, ext3, ext4, xfs, btrfs)" ;;
esac
[ "$gpt" = 1 ] && "$here/deps.sh" sgdisk
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

if [ -z "$size" ]; then
	case $fstype in
	xfs) size=300M ;;
	*) size=64M ;;
	esac
fi

if [ -z "$init" ]; then
	init=$("$here/build-inits.sh")/probe-init
fi
[ -f "$init" ] || die "$init: no such file"

outdir=$(dirname "$out")
[ -d "$outdir" ] || die "$outdir: no such directory"
work=$(mktemp -d "$outdir/.mkroot.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage=$work/root
fsimg=$work/fs.img

mkdir -p "$stage/sbin" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/run" "$stage/tmp"
chmod 0755 "$stage" "$stage/sbin" "$stage/dev" "$stage/run"
chmod 0555 "$stage/proc" "$stage/sys"
chmod 1777 "$stage/tmp"
cp "$init" "$stage/sbin/init"
chmod 0755 "$stage/sbin/init"
for a in "${adds[@]+"${adds[@]}"}"; do
	src=${a%%:*}
	dest=${a#*:}
	case $dest in
	/*) ;;
	*) die "--add $a: DEST must be absolute" ;;
	esac
	[ -e "$src" ] || die "--add $a: $src: no such file"
	mkdir -p "$stage$(dirname "$dest")"
	cp -a "$src" "$stage$dest"
done

# mkfs.xfs 6.1 cannot take a directory, only a protofile. One line an entry:
# "name mode uid gid [source]", mode "<type><suid><sgid><octal perms>", "$" ends a dir.
proto_dir()
{
	local dir=$1 indent=$2 path name mode perms s g type extra
	for path in "$dir"/* "$dir"/.[!.]*; do
		[ -e "$path" ] || [ -L "$path" ] || continue
		name=${path##*/}
		case $name in
		*[[:space:]:]*) die "$path: the xfs protofile cannot hold this name" ;;
		esac
		mode=$(stat -c '%a' "$path")
		mode=$(printf '%04o' "$((8#$mode))")
		perms=${mode:1:3}
		case ${mode:0:1} in
		[4-7]) s=u ;;
		*) s=- ;;
		esac
		case ${mode:0:1} in
		2 | 3 | 6 | 7) g=g ;;
		*) g=- ;;
		esac
		extra=
		if [ -L "$path" ]; then
			type=l
			extra=" $(readlink "$path")"
		elif [ -d "$path" ]; then
			type=d
		elif [ -f "$path" ]; then
			type=-
			extra=" $path"
		elif [ -b "$path" ] || [ -c "$path" ]; then
			if [ -b "$path" ]; then type=b; else type=c; fi
			extra=" $((16#$(stat -c '%t' "$path"))) $((16#$(stat -c '%T' "$path")))"
		elif [ -p "$path" ]; then
			type=p
		else
			die "$path: cannot put this file type in an xfs protofile"
		fi
		# The protofile's mode has no place for the sticky bit: set it afterwards.
		if [ $((8#$mode & 01000)) -ne 0 ]; then
			xfs_sticky+=("${path#"$stage"}")
		fi
		printf '%s%s %s%s%s%s 0 0%s\n' "$indent" "$name" "$type" "$s" "$g" "$perms" "$extra"
		if [ "$type" = d ]; then
			proto_dir "$path" "$indent	"
			printf '%s$\n' "$indent"
		fi
	done
}

xfs_sticky=()
rm -f "$fsimg"
truncate -s "$size" "$fsimg"
case $fstype in
ext*)
	# root_owner: the staging dir is the builder's; the root must be root's.
	mkfs."$fstype" -q -F -d "$stage" -E root_owner=0:0 \
		${label:+-L "$label"} ${uuid:+-U "$uuid"} "$fsimg" >&2
	;;
xfs)
	{
		echo "earlymod-mkroot"
		echo "0 0"
		echo "d--755 0 0"
		proto_dir "$stage" "	"
		echo '$'
	} >"$work/proto"
	mkfs.xfs -q -f -p "$work/proto" ${label:+-L "$label"} ${uuid:+-m uuid="$uuid"} \
		"$fsimg" >&2
	for p in "${xfs_sticky[@]+"${xfs_sticky[@]}"}"; do
		m=$(stat -c '%f' "$stage$p")
		xfs_db -x -c "path $p" -c "write core.mode $((16#$m))" "$fsimg" >/dev/null
	done
	;;
btrfs)
	mkfs.btrfs -q -f --rootdir "$stage" ${label:+-L "$label"} ${uuid:+-U "$uuid"} \
		"$fsimg" >&2
	;;
esac

if [ "$gpt" = 0 ]; then
	mv -f "$fsimg" "$out"
	exit 0
fi

# 1 MiB before partition 1 (GPT + alignment) and 1 MiB after it (backup GPT).
fs_bytes=$(stat -c '%s' "$fsimg")
[ $((fs_bytes % 512)) -eq 0 ] || die "filesystem size $fs_bytes is not whole sectors"
disk=$work/disk.img
truncate -s $((fs_bytes + 2 * 1048576)) "$disk"
# (sgdisk 1.0.9 takes -q silently and then writes nothing: no -q.)
sgdisk -o -n "1:2048:$((2048 + fs_bytes / 512 - 1))" -t 1:8300 \
	-c "1:$partlabel" -u "1:$partuuid" "$disk" >&2
sgdisk -i 1 "$disk" | grep -q '^First sector: 2048 ' || die "sgdisk wrote no partition 1"
dd if="$fsimg" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
mv -f "$disk" "$out"
