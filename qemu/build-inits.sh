#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds the static test inits (probe-init, trivial-init) when their source changed.
#
# usage: qemu/build-inits.sh
#   Output dir: ${EARLYMOD_BUILD:-REPO/build}/qemu; prints it on stdout.
#   Uses musl-gcc -static -Os (qemu/deps.sh installs musl-tools when missing).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${EARLYMOD_BUILD:-$here/../build}/qemu
mkdir -p "$out"
out=$(cd "$out" && pwd)

"$here/deps.sh" musl-gcc >&2
cc=${MUSL_CC:-musl-gcc}

for prog in probe-init trivial-init; do
	src=$here/$prog.c
	bin=$out/$prog
	if [ -x "$bin" ] && [ ! "$src" -nt "$bin" ] && [ ! "$0" -nt "$bin" ]; then
		continue
	fi
	# Build beside and rename, so a concurrent user never runs half a binary.
	$cc -static -Os -s -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-o "$bin.tmp.$$" "$src" >&2
	mv -f "$bin.tmp.$$" "$bin"
done
printf '%s\n' "$out"
