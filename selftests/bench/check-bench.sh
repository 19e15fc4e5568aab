#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-bench.sh - make check-bench: prove the bench reports failures.
#
# Each check boots the VM on something that must fail and asserts the bench
# said so, in its summary line, its exit status and its diagnostics:
#   1. a failing case (selftests/meta/fail.sh): "1 failed", status != 0;
#   2. a case that loads a module that WARNs (selftests/meta/warn.sh):
#      the case's kernel log check fails it;
#   3. the same module loaded outside any case (selftests/meta/warn-nocase.sh):
#      the host's scan of the guest kernel log fails the run;
#   4. a kernel panic: the VM stops, the bench says so;
#   5. a hang: the wall-clock timeout kills the VM;
#   6. make check's runner (check.sh), five case files in four VMs at
#      once: a passing case and a failing case (one vm-group: one VM, each
#      file's time listed under it), a WARN in a case, a WARN after the last
#      case, and a case that hangs (its file's own 90 s timeout).  The hang
#      is reported with its file, its case and the guest's last kernel-log
#      lines, each failure counts once, the passing cases still count,
#      numbering runs 1..N across the VMs, and the last line is
#      "6 passed, 4 failed";
#   7. check.sh given two files of one vm-group whose vm-append lines
#      differ: it refuses before any VM boots, naming the file.
# All checks start at once, nine VMs on the host's cores: the meta cases
# are tiny, the hung guest of check 5 is killed at 25 s whatever point of
# its boot or its sleep it reached, and hang.sh's 90 s, which sets the
# pace of the whole run, starts with the others (it reached its case in
# 20-40 s with nine VMs on two cores).  Exit status 0 only if every failure
# was detected.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
[ -f selftests/meta/warn/klpx_test_warn.ko ] ||
	{ echo "selftests/meta/warn/klpx_test_warn.ko missing: make meta-modules" >&2; exit 1; }

work=$(mktemp -d /tmp/klpx-check-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# boot NAME [VM.SH ARGS...]: run vm.sh in the background, output in $work.
boot()
{
	local name=$1; shift
	( "$here/vm.sh" "$@" >"$work/$name.out" 2>&1; echo $? >"$work/$name.rc" ) &
}

n=0
bad=0
# expect NAME DESCRIPTION REGEX...: vm.sh exited non-zero and its output
# matches every REGEX.
expect()
{
	local name=$1 desc=$2 rc re miss=; shift 2
	n=$((n + 1))
	rc=$(cat "$work/$name.rc")
	[ "$rc" != 0 ] || miss="exit status 0"
	for re in "$@"; do
		grep -q -E -- "$re" "$work/$name.out" || miss="${miss:+$miss; }no line matching /$re/"
	done
	if [ -z "$miss" ]; then
		echo "ok $n - $desc (exit status $rc)"
	else
		echo "not ok $n - $desc: $miss"
		sed 's/^/#   /' "$work/$name.out" | tail -n 40
		bad=$((bad + 1))
	fi
}

boot fail --tap -- selftests/run.sh selftests/meta/fail.sh
boot warn --tap -- selftests/run.sh selftests/meta/warn.sh
boot nocase -- bash selftests/meta/warn-nocase.sh
boot panic -- bash -c 'echo 1 >/proc/sys/kernel/panic_on_oops; echo c >/proc/sysrq-trigger'
# sleep 600: any point of the boot or of the sleep is a hang at 25 s
KLPX_VM_TIMEOUT=25 boot hang -- sleep 600
# and at the same time check.sh with five files, all five at once: the
# 90 s hang of hang.sh sets the pace, so it starts at once too (J=3 made
# it wait for a place, and the run took 176 s instead of about 100)
( env -u KLPX_VM_TIMEOUT -u KLPX_VM_TIMEOUT_SCALE KLPX_JOBS=5 "$here/check.sh" \
	selftests/meta/pass.sh selftests/meta/fail.sh selftests/meta/warn.sh \
	selftests/meta/warn-aftercase.sh selftests/meta/hang.sh \
	>"$work/parallel.out" 2>&1; echo $? >"$work/parallel.rc" ) &
# 7: pass.sh and a copy of it that asks its VM for another kernel command
# line in the same vm-group (check.sh refuses at once: no VM to wait for)
sed '/^# vm-group:/a # vm-append: klpx.check_bench_odd=1' selftests/meta/pass.sh >"$work/odd.sh"
env -u KLPX_VM_TIMEOUT "$here/check.sh" selftests/meta/pass.sh "$work/odd.sh" \
	>"$work/group.out" 2>&1
echo $? >"$work/group.rc"
wait
expect fail "a failing case is counted and fails the run" \
	'^not ok [0-9]+ - meta: a deliberately failing case$' \
	"^# FAIL: meta: a value compared on purpose: expected 'expected', got 'actual'$" \
	'^[0-9]+ passed, 1 failed$'
expect warn "a WARN during a case fails that case" \
	'^not ok [0-9]+ - meta: a module that WARNs on load$' \
	'^# kernel log reports a problem:' \
	'WARNING: .*klpx_test_warn' \
	'^[0-9]+ passed, 1 failed$'

expect nocase "a WARN outside any case fails the run (host-side scan)" \
	'^# bench: FAIL: the guest kernel log reports a problem' \
	'WARNING: .*klpx_test_warn'
expect panic "a kernel panic stops the VM and fails the run" \
	'^# bench: FAIL: the guest kernel panicked$' \
	'Kernel panic - not syncing'

expect hang "a hung guest is killed at the timeout and fails the run" \
	'^# bench: FAIL: VM timed out after 25s'

# 6: several VMs at once through check.sh (make check); the files' own
# "# vm-timeout:" lines apply, so no KLPX_VM_TIMEOUT from outside.  The
# four that end by themselves have 600 s (on a host busy with other VMs a
# boot alone took over 2 minutes); hang.sh has 90 s, its case must start
# within them
expect parallel "parallel VMs: a hang, a failing case and WARNs in some VMs each fail the run" \
	'^# check: 5 case files in 4 VMs, 5 at a time' \
	'^not ok [0-9]+ - selftests/meta/hang.sh: VM timed out after 90s \(KLPX_VM_TIMEOUT\) in selftests/meta/hang.sh, during case [0-9]+ of the VM: meta: a case that never ends; killed it$' \
	'^# bench: last lines of .*/hang/serial.log:$' \
	'klpx-test: meta: sleeping for good' \
	'^not ok [0-9]+ - meta: a deliberately failing case$' \
	'^not ok [0-9]+ - meta: a module that WARNs on load$' \
	'^not ok [0-9]+ - the kernel log after the last case reports a problem$' \
	'^# +> .*WARNING: .*klpx_test_warn' \
	'^ok [0-9]+ - meta: a passing case$' \
	'^ok [0-9]+ - meta: a passing case before a WARN outside any case$' \
	'^1\.\.10$' \
	'^# +[0-9]+s \(90s\) +selftests/meta/hang.sh +1 passed, 1 failed TIMED OUT$' \
	'^# +[0-9]+s \(1200s\) +one VM: 2 files +2 passed, 1 failed$' \
	'^# +[0-9]+s +selftests/meta/fail.sh$' \
	'^# +[0-9]+s +selftests/meta/pass.sh$' \
	'^# total: '
# 7: refused (status != 0, the file named), and no VM started
n=$((n + 1))
want="bench: error: $work/odd.sh: its vm-append or vm-boot differs from the other files of vm-group meta"
if [ "$(cat "$work/group.rc")" != 0 ] && grep -qxF -- "$want" "$work/group.out" &&
   ! grep -q '^# start' "$work/group.out"; then
	echo "ok $n - a vm-group whose files differ in vm-append is refused before any VM boots"
else
	echo "not ok $n - a vm-group whose files differ in vm-append: want status != 0, '$want' and no VM started; got status $(cat "$work/group.rc"):"
	sed 's/^/#   /' "$work/group.out" | tail -n 20
	bad=$((bad + 1))
fi
# numbering: 1..10 once each, in order; the closing line is the last
n=$((n + 1))
nums=$(grep -E '^(not )?ok [0-9]+' "$work/parallel.out" | sed -E 's/^(not )?ok ([0-9]+).*/\2/' | tr '\n' ' ')
last=$(tail -n 1 "$work/parallel.out")
if [ "$nums" = "$(seq -s ' ' 1 10) " ] && [ "$last" = "6 passed, 4 failed" ]; then
	echo "ok $n - parallel VMs: cases numbered 1..10 across VMs, last line '$last'"
else
	echo "not ok $n - parallel VMs: numbers '$nums', last line '$last' (want 1..10, '6 passed, 4 failed')"
	bad=$((bad + 1))
fi

echo "check-bench: $((n - bad)) of $n failures detected"
[ "$bad" = 0 ]
