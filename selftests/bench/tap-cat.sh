#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tap-cat.sh 'COMMAND' ['COMMAND'...] - run TAP producers one after the
# other as one TAP stream (make check: the VM's selftests, then the
# packaging check, selftests/pkg/check-pkg.sh).
#
# Each COMMAND (a shell command line) prints TAP and a last line
# "N passed, N failed" (", N skipped").  Their test lines are renumbered to
# run on; their "TAP version" and plan lines are dropped, and so are their
# closing lines, which are checked: a failure a command counted without a
# "not ok" line of its own (a VM timeout, a WARN after the last case), a
# missing closing line, or a non-zero exit status with no failure counted
# becomes a "not ok" line.  Then one plan and one closing line for all.
# Exit status 0 only if nothing failed.

set -uo pipefail

n=0 pass=0 fail=0 skipped=0
echo "TAP version 13"
for cmd in "$@"; do
	f=0 sf="" rc=0
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+(.*)$ ]]; then
			n=$((n + 1))
			if [ -n "${BASH_REMATCH[1]}" ]; then
				f=$((f + 1)); fail=$((fail + 1)); echo "not ok $n${BASH_REMATCH[2]}"
			else
				[[ $line == *'# SKIP'* ]] && skipped=$((skipped + 1)) || pass=$((pass + 1))
				echo "ok $n${BASH_REMATCH[2]}"
			fi
		elif [[ $line =~ ^[0-9]+\ passed,\ ([0-9]+)\ failed(,\ [0-9]+\ skipped)?$ ]]; then
			sf=${BASH_REMATCH[1]}
		elif [[ $line =~ ^TAP\ version || $line =~ ^1\.\.[0-9]+$ ]]; then
			:
		elif [[ $line =~ ^tap-cat:\ exit\ ([0-9]+)$ ]]; then
			rc=${BASH_REMATCH[1]}
		else
			printf '%s\n' "$line"
		fi
	done < <(bash -c "$cmd" 2>&1; echo "tap-cat: exit $?")
	extra=
	if [ -z "$sf" ]; then
		extra="$cmd printed no closing 'N passed, N failed' line (exit status $rc)"
	elif [ "$sf" -gt "$f" ]; then
		extra="$cmd counted $((sf - f)) failure(s) outside its test lines (see above)"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		extra="$cmd exited with status $rc and no failed test"
	fi
	if [ -n "$extra" ]; then
		n=$((n + 1)); fail=$((fail + 1))
		echo "not ok $n - $extra"
	fi
done
echo "1..$n"
s="$pass passed, $fail failed"
[ "$skipped" = 0 ] || s="$s, $skipped skipped"
echo "$s"
[ "$fail" = 0 ]
