#!/bin/bash
# check.sh: everything `make check` runs, with one closing count over all parts.
set -u -o pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for part in "make -s check-unit" "make -s check-kmod" "make -s check-image" "make -s check-qemu"; do
	echo "=== $part"
	$part 2>&1 | tee -a "$log" || status=1
done
pass=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | awk '{p+=$1} END {print p+0}')
fail=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | awk '{f+=$3} END {print f+0}')
[ $status -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
echo "check: $pass passed, $fail failed"
exit $status
