#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
# vm-group: transition (each VM costs 10-20 s of boot and cold caches: these share one)
# The per-task consistency model: tasks move universe only where safe.
# (The transition under load is 22-transition-load.sh: its own VM.)
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
T=/sys/kernel/tracing
TASKS=$KLPX_TASKS

# Steps: a task sleeps in klpx_target_wait(); patch1 patches it (signals
# off). Expect: transition stays 1, the state file names the task with
# "function on stack" and klpx_target_wait; a new task gets patch1's code;
# the sleeper, released, still gets the original code; then it completes.
case_blocked()
{
	local pid line
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_in_target; pid=$BLOCKER
	trace_on
	load_lp_nowait "$M/klpx_test_patch1.ko"
	wait_blocked "$pid"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/transition)" "transition while blocked"
	line=$(grep -P "^$pid\t" $TASKS)
	assert_contains "$line" "unpatched	function on stack	klpx_target_wait" "state file line of the blocker"
	assert_contains "$(cat $T/trace)" "klp_stack_check_fail: pid=$pid comm=sh reason=function_on_stack func=klpx_target_wait"
	assert_eq patch1 "$(answer)" "answer of a new task during the transition"
	log "% echo 1 > /proc/klpx_target/release"
	echo 1 > /proc/klpx_target/release
	wait_transition klpx_test_patch1 20
	assert_eq original "$(cat /proc/klpx_target/last)" "answer the sleeper got before it switched"
	assert_eq patch1 "$(answer)" "answer after the transition"
	assert_eq "# no transition" "$(head -n 1 $TASKS)" "state file after completion"
	assert_contains "$(cat $TASKS)" "# state_bytes 0 map 0 blockers 0 x"
	assert_contains "$(cat $T/trace)" "klp_transition_complete: patch=klpx_test_patch1 target=patched"
	assert_contains "$(cat $T/trace)" "klp_task_switch: pid=$pid comm=sh from=unpatched to=patched how=syscall_exit"
	disable_lp klpx_test_patch1
}
run_case "a task sleeping in a patched function holds the transition until released" case_blocked

# Steps: an interruptible sleeper blocks; signal_delay_ms=300.
# Expect: a fake signal reaches it, it switches, the transition completes.
case_fake_signal()
{
	local pid
	klpx_up
	set_param signal_delay_ms 300
	load_mod "$M/klpx_test_target.ko"
	block_in_target; pid=$BLOCKER
	trace_on
	load_lp "$M/klpx_test_patch1.ko"
	assert_contains "$(cat $T/trace)" "klp_task_signal: pid=$pid comm=sh kind=signal"
	disable_lp klpx_test_patch1
}
run_case "a fake signal moves an interruptible sleeper and the transition completes" case_fake_signal

# Steps: klpx_target_kt sleeps interruptibly in klpx_target_kwait();
# signal_delay_ms=300; patch1 replaces kwait.
# Expect: its stack check fails on klpx_target_kwait, it is woken (not
# signalled: a kthread), moves while it sleeps outside, and it completes.
case_kthread_wake()
{
	local kt
	klpx_up
	set_param signal_delay_ms 300
	load_mod "$M/klpx_test_target.ko" kthread=1
	loop_until "pgrep -x klpx_target_kt >/dev/null" 10 || fail "no klpx_target_kt"
	kt=$(pgrep -x klpx_target_kt)
	loop_until "grep -q klpx_target_kwait /proc/$kt/stack" 10 || fail "the kthread is not asleep in kwait"
	trace_on
	load_lp "$M/klpx_test_patch1.ko"
	assert_contains "$(cat $T/trace)" "klp_stack_check_fail: pid=$kt comm=klpx_target_kt reason=function_on_stack func=klpx_target_kwait"
	assert_contains "$(cat $T/trace)" "klp_task_signal: pid=$kt comm=klpx_target_kt kind=wakeup"
	assert_contains "$(grep "klp_task_switch: pid=$kt " $T/trace)" "from=unpatched to=patched"
	disable_lp klpx_test_patch1
}
run_case "an interruptible kthread in a patched function is woken and the transition completes" case_kthread_wake

# Steps: a sleeper holds patch1's transition; this (switched) shell forks
# 100 children that each read the patched function and exit.
# Expect: every child inherits the patched universe (answers patch1, and
# a fork switch is recorded for each); after completion no state is left.
case_fork_storm()
{
	local out forks
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_in_target
	trace_on klp_task_switch
	load_lp_nowait "$M/klpx_test_patch1.ko"
	wait_blocked "$BLOCKER"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/transition)" "transition while blocked"
	cat /proc/klpx_target/answer >/dev/null	# this shell passes syscall exit
	out=$(for i in $(seq 100); do cat /proc/klpx_target/answer; done | sort | uniq -c)
	assert_eq "100 patch1" "$(echo $out)" "answers of 100 forked children"
	forks=$(grep -c "how=fork" $T/trace)
	[ "$forks" -ge 100 ] || fail "only $forks fork switches recorded"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/transition)" "transition still blocked"
	echo 1 > /proc/klpx_target/release
	wait_transition klpx_test_patch1 20
	assert_eq "# no transition" "$(head -n 1 $TASKS)" "state file after completion"
	assert_contains "$(cat $TASKS)" "# state_bytes 0 map 0 blockers 0 x"
	disable_lp klpx_test_patch1
}
run_case "a fork storm during a transition: children inherit, exited tasks leave no state" case_fork_storm

# Steps: an uninterruptible sleeper blocks patch1; write 0 to enabled.
# Expect: the transition reverses to unpatched and completes, the patch
# goes, the original code answers.
case_reverse()
{
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko" uninterruptible=1
	block_in_target
	trace_on
	load_lp_nowait "$M/klpx_test_patch1.ko"
	wait_blocked "$BLOCKER"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/transition)" "transition while blocked"
	log "% echo 0 > enabled (reverse)"
	echo 0 > $KLPX_SYSFS/klpx_test_patch1/enabled || fail "reverse refused"
	loop_until "[ ! -e $KLPX_SYSFS/klpx_test_patch1 ]" 20 || fail "reversed patch not freed"
	assert_eq original "$(answer)" "answer after reversal"
	assert_contains "$(cat $T/trace)" "klp_transition_reverse: patch=klpx_test_patch1 target=unpatched"
	assert_contains "$(cat $T/trace)" "klp_transition_complete: patch=klpx_test_patch1 target=unpatched"
}
run_case "writing 0 to enabled mid-transition reverses it and every task returns" case_reverse

# Steps: one busy user loop (fewer hogs than CPUs: nothing preempts it),
# a patch enabled. Expect: the hog never sleeps nor makes a syscall, so it
# is moved by the IPI switch point.
case_hog()
{
	local hog try sw=
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	# the hog alone on CPU 1, this shell on CPU 0
	taskset -cp 0 $$ >/dev/null
	taskset -c 1 sh -c 'while :; do :; done' & hog=$!
	on_cleanup "kill $hog 2>/dev/null; wait $hog 2>/dev/null"
	# a fixed time, not a wait for a state: the hog must be past its start
	# (exec, page faults over 9p) and in its pure user loop, making no
	# syscall or fault, which nothing in /proc shows reliably
	sleep 2
	# a kernel thread that preempts the hog moves it at sched_switch
	# instead, which is right too: try up to 3 times for an IPI
	for try in 1 2 3; do
		trace_on klp_task_switch
		load_lp "$M/klpx_test_patch1.ko"
		sw=$(grep "pid=$hog " $T/trace)
		disable_lp klpx_test_patch1
		unload_mod klpx_test_patch1
		[ -n "$sw" ] || fail "no switch of the hog recorded"
		case $sw in *"how=ipi"*) break ;; esac
		log "try $try: the hog was moved by: ${sw##*how=}"
	done
	assert_contains "$sw" "from=unpatched to=patched how=ipi" "switch of the hog"
}
run_case "a busy user loop on another CPU is moved by an IPI" case_hog

# Steps: enable and disable patch1 6 times (make soak: 20) while a caller
# loops.  Expect: every cycle completes; no state is left.
case_cycles()
{
	local i
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	sh -c 'while :; do read a < /proc/klpx_target/answer; done' &
	on_cleanup "kill $! 2>/dev/null"
	for i in $(seq "$(by_mode 6 20)"); do
		load_lp "$M/klpx_test_patch1.ko"
		disable_lp klpx_test_patch1
		unload_mod klpx_test_patch1
	done
	assert_eq "# no transition" "$(head -n 1 $TASKS)" "state file after the cycles"
	assert_contains "$(cat $TASKS)" "# state_bytes 0 map 0 blockers 0 x"
}
run_case "$(by_mode 6 20) enable/disable cycles complete and leave no state" case_cycles

# Steps: rmmod klpx.  Expect: it unloads (no patch or state left behind).
case_core_unload()
{
	unload_mod klpx
}
run_case "the core unloads after the transition cases" case_core_unload
