#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
# vm-group: bpftrace (the two bpftrace files share one VM and its warm caches)
# The bpftrace one-liners of docs/bpftrace.md, each run on a real transition.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
DOC=$KLPX_ROOT/docs/bpftrace.md

# oneliner NAME: the command line after the doc's "oneliner: NAME" marker
oneliner()
{
	awk -v m="<!-- oneliner: $1 -->" '$0 == m { f = 1; next }
		f && /^bpftrace / { print; exit }' "$DOC"
}

# bt_start NAME: run the one-liner in the background until bt_stop
bt_start()
{
	local cmd
	cmd=$(oneliner "$1")
	[ -n "$cmd" ] || fail "no one-liner '$1' in docs/bpftrace.md"
	bpftrace_start "$1" "$cmd"
}

# bt_stop: its output, maps included
bt_stop() { bpftrace_stop; }

# Steps: a sleeper blocks patch1 (signals off); one-liner "blockers" runs.
# Expect: it prints the sleeper's pid, comm, reason 3 and klpx_target_wait.
case_blockers()
{
	local pid out
	require_cmd bpftrace
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_in_target; pid=$BLOCKER
	bt_start blockers
	load_lp_nowait "$M/klpx_test_patch1.ko"
	loop_until "grep -q '^blocker pid=$pid ' $BT_OUT" 30 || fail "no blocker line: $(cat $BT_OUT)"
	echo 1 > /proc/klpx_target/release
	wait_transition klpx_test_patch1
	out=$(bt_stop)
	assert_contains "$out" "blocker pid=$pid comm=sh reason=3 func=klpx_target_wait"
	disable_lp klpx_test_patch1
}
run_case "bpftrace one-liner 'blockers' names the task, reason and function" case_blockers

# Steps: patch1 enabled; one-liner "redirects"; 5 calls.
# Expect: exactly 5 calls counted to new code, none to old.
case_redirects()
{
	local i out
	require_cmd bpftrace
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	bt_start redirects
	for i in 1 2 3 4 5; do cat /proc/klpx_target/answer >/dev/null; done
	out=$(bt_stop)
	assert_contains "$out" "@calls[klpx_target_answer, 1]: 5"
	assert_not_contains "$out" "klpx_target_answer, 0]"
	disable_lp klpx_test_patch1
}
run_case "bpftrace one-liner 'redirects' counts exactly the calls made to new code" case_redirects

# Steps: one-liner "durations"; enable and disable patch1.
# Expect: one line per transition (target=1, target=0), forced=0.
case_durations()
{
	local out
	require_cmd bpftrace
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	bt_start durations
	load_lp "$M/klpx_test_patch1.ko"
	disable_lp klpx_test_patch1
	out=$(bt_stop)
	grep -Eq '^transition klpx_test_patch1 target=1 took [0-9]+ ms forced=0$' <<<"$out" ||
		fail "no patching line: $out"
	grep -Eq '^transition klpx_test_patch1 target=0 took [0-9]+ ms forced=0$' <<<"$out" ||
		fail "no unpatching line: $out"
}
run_case "bpftrace one-liner 'durations' prints both transitions" case_durations

# Steps: one-liner "switchpoints"; enable patch1.
# Expect: switch counts by switch point (0-6).
case_switchpoints()
{
	local out
	require_cmd bpftrace
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	bt_start switchpoints
	load_lp "$M/klpx_test_patch1.ko"
	out=$(bt_stop)
	disable_lp klpx_test_patch1
	grep -Eq '^@switches\[[0-6]\]: [0-9]+$' <<<"$out" || fail "no switch counts: $out"
}
run_case "bpftrace one-liner 'switchpoints' counts switches by switch point" case_switchpoints

# Steps: rmmod klpx.  Expect: it unloads.
case_core_unload() { unload_mod klpx; }
run_case "the core unloads after the bpftrace cases" case_core_unload
