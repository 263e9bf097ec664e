#!/bin/bash
# SPDX-License-Identifier: MIT
# Writes a newc cpio archive from a list, without root: device nodes need no mknod.
#
# usage: qemu/gen-cpio.sh LIST > out.cpio
#   LIST (a file, or - for stdin) uses the kernel's usr/gen_init_cpio syntax, one entry a
#   line, blank lines and # comments ignored:
#     dir   NAME MODE UID GID
#     file  NAME SOURCE MODE UID GID
#     nod   NAME MODE UID GID b|c MAJOR MINOR
#     slink NAME TARGET MODE UID GID
#   NAME is the path in the archive (a leading / is dropped), MODE is octal permissions.
#   Every mtime is 0, so the same LIST and files give the same bytes.
set -eu
# ${#x} and the name sizes must count bytes.
export LC_ALL=C

if [ $# -ne 1 ]; then
	echo "usage: $0 LIST > out.cpio" >&2
	exit 2
fi

ino=721

pad4()
{
	local n=$(($1 % 4))
	if [ "$n" -ne 0 ]; then
		head -c $((4 - n)) /dev/zero
	fi
}

# entry NAME MODE(numeric, with type bits) UID GID FILESIZE RDEVMAJ RDEVMIN
entry()
{
	local name=$1 namesize=$((${#1} + 1))
	# ino mode uid gid nlink mtime filesize devmaj devmin rdevmaj rdevmin namesize check
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$ino" "$2" "$3" "$4" 1 0 "$5" 0 0 "$6" "$7" "$namesize" 0
	printf '%s\0' "$name"
	pad4 $((110 + namesize))
	ino=$((ino + 1))
}

line_no=0
while read -r kind name a b c d e f _ || [ -n "${kind:-}" ]; do
	line_no=$((line_no + 1))
	case ${kind:-} in
	'' | '#'*) continue ;;
	esac
	name=${name#/}
	[ -n "$name" ] || { echo "gen-cpio.sh: $1:$line_no: no name" >&2; exit 1; }
	case $kind in
	dir)
		entry "$name" $((8#040000 | 8#$a)) "$b" "$c" 0 0 0
		;;
	file)
		size=$(stat -L -c '%s' "$a")
		entry "$name" $((8#0100000 | 8#$b)) "$c" "$d" "$size" 0 0
		cat "$a"
		pad4 "$size"
		;;
	nod)
		case $d in
		b) t=8#060000 ;;
		c) t=8#020000 ;;
		*) echo "gen-cpio.sh: $1:$line_no: nod type must be b or c" >&2; exit 1 ;;
		esac
		entry "$name" $((t | 8#$a)) "$b" "$c" 0 "$e" "$f"
		;;
	slink)
		entry "$name" $((8#0120000 | 8#$b)) "$c" "$d" "${#a}" 0 0
		printf '%s' "$a"
		pad4 "${#a}"
		;;
	*)
		echo "gen-cpio.sh: $1:$line_no: unknown entry type '$kind'" >&2
		exit 1
		;;
	esac
done < <(if [ "$1" = - ]; then cat; else cat -- "$1"; fi)

# The trailer is an entry like the others, with nlink 1 and ino 0.
printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
	0 0 0 0 1 0 0 0 0 0 0 11 0
printf 'TRAILER!!!\0'
pad4 $((110 + 11))
