#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1200
# Transitions under load: the longest case of the consistency model, in a
# file (and so a VM) of its own, beside 20-transition.sh.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
T=/sys/kernel/tracing

# Steps: 128 processes read a patched function in a loop, 2 busy user
# loops, 500 sleeping processes; enable and disable patch1.
# Expect: both transitions complete.
case_load()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	# sleepers first: forking is slow once the CPUs are busy (TCG)
	spawn_sleepers 500
	spawn_loops 128 'while :; do read a < /proc/klpx_target/answer; done'
	spawn_loops 2 'while :; do :; done'
	# this case's shell and what it runs from now on (insmod, the polls
	# of transition) at nice -20: at nice 0 it got one 131st of the CPUs
	# and each step took tens of seconds; the load and the tasks the
	# transitions must switch are the same
	renice -n -20 -p "$BASHPID" >/dev/null || fail "renice -20 $BASHPID failed"
	trace_on klp_transition_complete
	load_lp "$M/klpx_test_patch1.ko"
	assert_eq patch1 "$(answer)" "answer under load"
	disable_lp klpx_test_patch1
	assert_eq original "$(answer)" "answer after disable under load"
	assert_contains "$(cat $T/trace)" "klp_transition_complete: patch=klpx_test_patch1 target=unpatched"
}
run_case "transitions complete under 128 callers, busy loops and 500 sleepers" case_load

# Steps: rmmod klpx.  Expect: it unloads (no patch or state left behind).
case_core_unload()
{
	unload_mod klpx
}
run_case "the core unloads after the transition-under-load case" case_core_unload
