#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run the klpx selftests (inside the VM: make check, or make vm-run
# SCRIPT=selftests/run.sh).
#
#   run.sh [CASE...]
#
# CASE: case files or globs (default: selftests/cases/*.sh, in order; or
# $KLPX_CASES, a space-separated list of globs relative to the repo).
# Each case file runs as its own process and keeps going after a failure.
# Output is TAP; the last line is "N passed, N failed" (", N skipped" when
# any were).  Exit status 1 if any case failed.

KLPX_ROOT=${KLPX_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export KLPX_ROOT
cd "$KLPX_ROOT" || exit 1

KLPX_TAP_DIR=$(mktemp -d /tmp/klpx-tap.XXXXXX)
export KLPX_TAP_DIR
echo 0 >"$KLPX_TAP_DIR/n"

# shellcheck source=selftests/lib/functions.sh
. "$KLPX_ROOT/selftests/lib/functions.sh"

[ $# -gt 0 ] || set -- ${KLPX_CASES:-selftests/cases/*.sh}
files=()
for g in "$@"; do
	# shellcheck disable=SC2206
	m=($g)
	for f in "${m[@]}"; do
		[ -f "$f" ] && files+=("$f")
	done
done

echo "TAP version 13"

# The kernel log up to now (boot) must already be clean.
case_boot_log()
{
	local splats
	if splats=$(kernel_log | klog_splats 60); then
		echo "$splats"
		fail "the kernel log after boot reports a problem"
	fi
	[ "$(id -u)" = 0 ] || fail "not root"
}
echo "klpx-test: ---- start" >/dev/kmsg
run_case "kernel log is clean after boot ($(uname -r))" case_boot_log

if [ ${#files[@]} = 0 ]; then
	n=$(_tap_next)
	echo "not ok $n - no case files match: $*"
	_tap_count failed "$n"
fi

for f in "${files[@]}"; do
	echo "klpx-test: file $f" >/dev/kmsg
	before=$(cat "$KLPX_TAP_DIR/n")
	bash "$f" </dev/null
	rc=$?
	after=$(cat "$KLPX_TAP_DIR/n")
	if [ "$rc" != 0 ] || [ "$after" = "$before" ]; then
		n=$(_tap_next)
		if [ "$after" = "$before" ]; then
			echo "not ok $n - $f ran no case (exit status $rc)"
		else
			echo "not ok $n - $f exited with status $rc outside its cases"
		fi
		_tap_count failed "$n"
	fi
done

# The kernel log after the last case: what a case file did outside its
# cases, or tasks it left behind, with no later case to see it.
if splats=$(kernel_log | klog_splats 60 'klpx-test: ---- '); then
	n=$(_tap_next)
	echo "not ok $n - the kernel log after the last case reports a problem"
	printf '%s\n' "$splats" | sed 's/^/# /'
	_tap_count failed "$n"
fi
echo "klpx-bench: kernel log checked" >/dev/kmsg

count()
{
	[ -f "$KLPX_TAP_DIR/$1" ] && wc -l <"$KLPX_TAP_DIR/$1" || echo 0
}
passed=$(count passed)
failed=$(count failed)
skipped=$(count skipped)

echo "1..$(cat "$KLPX_TAP_DIR/n")"
summary="$passed passed, $failed failed"
[ "$skipped" = 0 ] || summary="$summary, $skipped skipped"
rm -rf "$KLPX_TAP_DIR"
echo "$summary"
[ "$failed" = 0 ]
