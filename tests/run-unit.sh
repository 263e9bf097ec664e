#!/bin/sh
# run-unit.sh TEST...: runs TAP test programs; a program that crashes, exits non-zero
# or prints no plan fails. Prints "unit: N passed, N failed" and exits non-zero on failure.
set -u
pass=0 fail=0
for t in "$@"; do
	# a test that hangs fails instead of stopping the whole run
	out=$(timeout 600 "$t" 2>&1); rc=$?
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p)); fail=$((fail + f))
	if [ $rc -ne 0 ] || [ "$f" -ne 0 ] || ! printf '%s\n' "$out" | grep -q '^1\.\.'; then
		printf '%s\n' "$out" | grep -v '^ok ' | sed "s|^|$(basename "$t"): |"
		[ "$f" -eq 0 ] && fail=$((fail + 1))
		echo "FAIL $(basename "$t") (exit $rc)"
	else
		echo "PASS $(basename "$t") ($p)"
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
