#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 240
# vm-group: short (files under a minute share one VM; 90-force.sh, which leaves klpx loaded, sorts last)
# Where a patched call is made from: deep inside ftrace callbacks (ftrace's
# recursion guard taken), and whether the slow path's own code can be traced.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
T=/sys/kernel/tracing
HOOKS=/sys/kernel/debug/klpx/hooks
RACE=/proc/klpx_race/stats

# Steps: race patch p1 enabled (slow path: klp_func_redirect traced, then
# fast path: untraced); each time 2,000 checks made while the caller holds
# both of ftrace's recursion bits of its context, as a caller deep inside
# ftrace callbacks (a kprobe handler, a function tracer) does.
# Expect: every nested call got p1, as klpx_redirect_expected() says (the
# slow path ran the original when ftrace's recursion guard refused it: an
# observer changed which version runs).
case_nested_calls()
{
	klpx_up
	load_mod "$M/klpx_race_target.ko"
	load_lp "$M/klpx_race_p1.ko"
	echo 1 >$T/events/klp/klp_func_redirect/enable ||
		fail "cannot enable klp_func_redirect"
	on_cleanup "echo 0 > $T/events/klp/klp_func_redirect/enable"
	assert_eq slow "$(hook_path klpx_race_outer)" "path while traced"
	echo 2000 >/proc/klpx_race/nested || fail "nested checks refused (recursion bits taken?)"
	echo 0 >$T/events/klp/klp_func_redirect/enable
	loop_until '[ "$(hook_path klpx_race_outer)" = fast ]' 10 ||
		fail "klpx_race_outer is not on the fast path: $(cat $HOOKS)"
	echo 2000 >/proc/klpx_race/nested || fail "nested checks refused"
	assert_eq 0 "$(race_stat mismatches)" "mismatches ($(grep ^first $RACE))"
	assert_eq 4000 "$(race_stat v1)" "calls answered by p1"
	disable_lp klpx_race_p1
}
run_case "a call made inside ftrace's recursion guard gets its universe's version" case_nested_calls

# Steps: read ftrace's list of traceable functions.
# Expect: klpx's functions are listed (klpx_enable_patch), but none that a
# call through a slow slot runs (klpx_slow_target, klpx_hook_handler, the
# klp_func_redirect iterator; the rest is inlined into them): a tracer on
# them would run inside every patched call and recurse through it.
case_slow_path_notrace()
{
	local list f
	klpx_up
	list=$(grep '\[klpx\]$' $T/available_filter_functions)
	assert_contains "$list" "klpx_enable_patch [klpx]"
	for f in klpx_slow_target klpx_hook_handler __traceiter_klp_func_redirect; do
		assert_not_contains "$list" "$f [klpx]"
	done
}
run_case "the slow path's functions cannot be traced" case_slow_path_notrace
