#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
# vm-append: mitigations=auto
# The fast and the slow path: every call answered by the right version
# while patches come, go, reverse and replace under hammering callers.
# Booted with the kernel's default mitigations (vm.sh turns them off for
# speed): the call slots' return goes through the return thunk here, as on
# most real hosts.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
T=/sys/kernel/tracing
HOOKS=/sys/kernel/debug/klpx/hooks
RACE=/proc/klpx_race/stats

# hammer N: N user processes each running checks in a loop (a syscall
# exit between two writes); the kthread of klpx_race_target runs too
hammer()
{
	local i
	for i in $(seq "$1"); do
		sh -c 'while :; do echo 300 > /proc/klpx_race/run; done' 2>/dev/null &
		on_cleanup "kill $! 2>/dev/null; wait $! 2>/dev/null; true"
	done
}

# calls_run [N]: wait (30 s) until the hammers have run N (300: one write
# of a hammer) more checks: calls made in the state the patches are in now
calls_run()
{
	local c0
	c0=$(race_stat calls)
	loop_until "[ \"\$(race_stat calls)\" -ge $((c0 + ${1:-300})) ]" 30 ||
		fail "the hammers ran fewer than ${1:-300} checks in 30 s ($(race_stat calls) after $c0)"
}

# no_mismatch WHAT: the checks so far all got the version they wanted
no_mismatch()
{
	assert_eq 0 "$(race_stat mismatches)" "mismatches $1 ($(grep ^first $RACE))"
}

# race_rounds N PATH TRACED_PATH: N rounds of case_race's steps, the hooks
# on PATH once p1's transition is done and on TRACED_PATH while
# klp_func_redirect is traced
race_rounds()
{
	local r calls
	klpx_up
	load_mod "$M/klpx_race_target.ko" kthread=1
	hammer 2
	for r in $(seq "$1"); do
		log "round $r"
		load_lp "$M/klpx_race_p1.ko"
		loop_until "[ \"\$(hook_path klpx_race_outer)\" = $2 ]" 10 ||
			fail "klpx_race_outer is not on the $2 path: $(cat $HOOKS)"
		load_lp_nowait "$M/klpx_race_p2.ko"
		echo 0 > $KLPX_SYSFS/klpx_race_p2/enabled
		loop_until "[ ! -e $KLPX_SYSFS/klpx_race_p2 ]" ||
			fail "the reversed p2 did not go"
		unload_mod klpx_race_p2
		load_lp "$M/klpx_race_p2.ko"
		calls_run
		echo 1 > $T/events/klp/klp_func_redirect/enable
		assert_eq "$3" "$(hook_path klpx_race_outer)" "path while traced"
		calls_run
		echo 0 > $T/events/klp/klp_func_redirect/enable
		disable_lp klpx_race_p2
		unload_mod klpx_race_p2
		load_lp "$M/klpx_race_r.ko"
		loop_until "[ ! -e $KLPX_SYSFS/klpx_race_p1 ]" ||
			fail "the replaced p1 did not go"
		unload_mod klpx_race_p1
		calls_run
		disable_lp klpx_race_r
		unload_mod klpx_race_r
		no_mismatch "after round $r"
	done
	calls=$(race_stat calls)
	log "$(tr '\n' ' ' < $RACE)"
	[ "$calls" -gt 1000 ] || fail "only $calls checks ran"
	for r in 0 1 2 3; do
		[ "$(race_stat v$r)" -gt 0 ] || fail "version $r never answered: $(tr '\n' ' ' < $RACE)"
	done
}

# Steps, three rounds (make soak: eight) under 2 hammering processes and a
# kthread: p1 alone (both functions on the fast path after its
# transition); p2 enabled and at once reversed; p2 enabled and disabled;
# klp_func_redirect traced for a moment (every hook slow, every call an
# event); the replace patch over p1, then disabled. Expect: every check
# (klpx_race_target.c) got the version its universe demands and
# outer/inner agreed; versions 0-3 seen.
case_race() { race_rounds "$(by_mode 3 8)" fast slow; }
run_case "hammered calls get their universe's version through enable, reverse, disable, replace, tracing" case_race

# Steps: direct_calls=0, then two rounds (make soak: three) of the steps
# above (the hooks ftrace_ops throughout). Expect: the same.
case_race_ftrace_ops()
{
	klpx_up
	set_param direct_calls 0
	race_rounds "$(by_mode 2 3)" ftrace_ops ftrace_ops
}
run_case "with direct_calls=0 hammered calls get their universe's version through the same steps" case_race_ftrace_ops

# Steps: p1 on the fast path; the redirect event enabled; 200 checks;
# disabled. Expect: every one of the 400 calls (checks call outer, and
# outer calls inner) fired klp_func_redirect; then fast again.
case_traced_calls()
{
	local n
	klpx_up
	load_mod "$M/klpx_race_target.ko"
	load_lp "$M/klpx_race_p1.ko"
	loop_until '[ "$(hook_path klpx_race_outer)" = fast ]' 10 || fail "not fast"
	echo > $T/trace
	echo 1 > $T/events/klp/klp_func_redirect/enable
	on_cleanup "echo 0 > $T/events/klp/klp_func_redirect/enable"
	echo 200 > /proc/klpx_race/run
	echo 0 > $T/events/klp/klp_func_redirect/enable
	n=$(grep -c 'klp_func_redirect: func=klpx_race_outer to=new patch=klpx_race_p1' $T/trace)
	assert_eq 200 "$n" "events of klpx_race_outer"
	n=$(grep -c 'klp_func_redirect: func=klpx_race_inner to=new patch=klpx_race_p1' $T/trace)
	assert_eq 400 "$n" "events of klpx_race_inner (the check calls it twice)"
	loop_until '[ "$(hook_path klpx_race_outer)" = fast ]' 10 || fail "not fast again"
	no_mismatch "while traced"
	disable_lp klpx_race_p1
}
run_case "while klp_func_redirect is traced every call fires it; fast again after" case_traced_calls

# calls_of FUNC new|old: klpx_race_p1's sysfs count of FUNC
calls_of() { cat "$KLPX_SYSFS/klpx_race_p1/klpx_race_target/$1,1/calls_$2"; }

# Steps: p1 enabled (fast path); 200 checks (each calls outer once and
# inner twice: the check's own call and outer's); klp_func_redirect traced
# (slow path), 200 checks more; tracing off (fast again), 200 more.
# Expect: the sysfs counts of p1's funcs grow by exactly 200 (outer) and
# 400 (inner) for each batch, on either path; calls_old stays 0.
case_call_counts()
{
	local o0 i0
	klpx_up
	load_mod "$M/klpx_race_target.ko"
	load_lp "$M/klpx_race_p1.ko"
	loop_until '[ "$(hook_path klpx_race_outer)" = fast ]' 10 || fail "not fast"
	o0=$(calls_of klpx_race_outer new)
	i0=$(calls_of klpx_race_inner new)
	echo 200 > /proc/klpx_race/run
	assert_eq $((o0 + 200)) "$(calls_of klpx_race_outer new)" "outer's count after 200 fast calls"
	assert_eq $((i0 + 400)) "$(calls_of klpx_race_inner new)" "inner's count after 400 fast calls"
	echo 1 > $T/events/klp/klp_func_redirect/enable
	on_cleanup "echo 0 > $T/events/klp/klp_func_redirect/enable"
	assert_eq slow "$(hook_path klpx_race_outer)" "path while traced"
	echo 200 > /proc/klpx_race/run
	echo 0 > $T/events/klp/klp_func_redirect/enable
	assert_eq $((o0 + 400)) "$(calls_of klpx_race_outer new)" "outer's count after 200 slow calls"
	assert_eq $((i0 + 800)) "$(calls_of klpx_race_inner new)" "inner's count after 400 slow calls"
	loop_until '[ "$(hook_path klpx_race_outer)" = fast ]' 10 || fail "not fast again"
	echo 200 > /proc/klpx_race/run
	assert_eq $((o0 + 600)) "$(calls_of klpx_race_outer new)" "outer's count after 200 more fast calls"
	assert_eq 0 "$(calls_of klpx_race_outer old)" "calls of outer sent to the original"
	assert_eq 0 "$(calls_of klpx_race_inner old)" "calls of inner sent to the original"
	disable_lp klpx_race_p1
}
run_case "per-func call counts in sysfs are exact on the fast and the slow path" case_call_counts

# Steps: under 2 hammering processes and the kthread, p1 enabled; then 6
# (make soak: 20) times p2 loaded with fail=1 (its enable fails in a
# pre_patch callback after both its funcs went on their stacks, and is
# cancelled).
# Expect: each load refused with ENODEV; no call ever answered by p2 (its
# transition never started: no task could be in its universe) and none
# mismatched (a handler that read a p2 func before the cancel took it off
# and ->transition after it was cleared would have run p2).
case_failed_enable()
{
	local i
	klpx_up
	load_mod "$M/klpx_race_target.ko" kthread=1
	hammer 2
	load_lp "$M/klpx_race_p1.ko"
	echo reset >$RACE
	for i in $(seq "$(by_mode 6 20)"); do
		load_failing_mod "$M/klpx_race_p2.ko" ENODEV fail=1
		calls_run
	done
	assert_eq 0 "$(race_stat v2)" "calls answered by the refused p2"
	no_mismatch "across failed enables"
	disable_lp klpx_race_p1
}
run_case "enables cancelled under hammering calls: the refused patch never answers" case_failed_enable

# Steps: rmmod klpx.  Expect: it unloads.
case_core_unload()
{
	unload_mod klpx
}
run_case "the core unloads after the fast/slow path race cases" case_core_unload
