#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
# vm-group: short (files under a minute share one VM; 90-force.sh, which leaves klpx loaded, sorts last)
# force: the last case file, since a forced patch module stays loaded for
# good (and with it klpx.ko) until the VM stops.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
T=/sys/kernel/tracing

# Steps: an uninterruptible sleeper in klpx_target_wait() blocks patch1;
# echo 1 > force. Expect: the transition completes at once (forced), new
# code answers, and after disable the patch module cannot be removed.
case_force()
{
	local pid out
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko" uninterruptible=1
	block_in_target; pid=$BLOCKER
	echo > $T/trace; echo 1 > $T/events/klp/enable
	on_cleanup "echo 0 > $T/events/klp/enable"
	load_lp_nowait "$M/klpx_test_patch1.ko"
	wait_blocked "$pid"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/transition)" "transition while blocked"
	log "% echo 1 > force"
	echo 1 > $KLPX_SYSFS/klpx_test_patch1/force || fail "force refused"
	assert_eq 0 "$(cat $KLPX_SYSFS/klpx_test_patch1/transition)" "transition after force"
	assert_eq patch1 "$(answer)" "answer after force"
	assert_contains "$(cat $T/trace)" "klp_transition_force: patch=klpx_test_patch1 target=patched"
	assert_contains "$(cat $T/trace)" "forced=1"
	assert_contains "$(dmesg_since_mark)" "klpx: patch 'klpx_test_patch1': forcing the transition: its module stays loaded"
	echo 1 > /proc/klpx_target/release; wait $pid
	disable_lp klpx_test_patch1
	out=$("$RMMOD" klpx_test_patch1 2>&1) && fail "rmmod of a forced patch module succeeded"
	assert_contains "$out" "in use"
	# it stays loaded by design: not the cleanup's to remove
	sed -i '/ klpx_test_patch1$/d' "$KLPX_CASE_DIR/loaded"
}
run_case "force completes a blocked transition and pins the patch module" case_force

# Steps: patch2 (answer only) enabled; an uninterruptible sleeper in the
# original klpx_target_wait(); an atomic replace of answer and wait is
# blocked by it; echo 1 > force.
# Expect: the replace completes, patch2 is replaced and freed, and its
# module cannot be removed: a task may still run the replaced patch's code
# (before, only the forced patch kept its module).
case_force_replace()
{
	local pid out
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko" uninterruptible=1
	load_lp "$M/klpx_test_patch2.ko" patch_wait=0
	block_in_target; pid=$BLOCKER
	load_lp_nowait "$M/klpx_test_replace.ko"
	wait_blocked "$pid"	# the transition ran into the sleeper
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_replace/transition)" "transition while blocked"
	log "% echo 1 > force"
	echo 1 > $KLPX_SYSFS/klpx_test_replace/force || fail "force refused"
	loop_until "[ ! -e $KLPX_SYSFS/klpx_test_patch2 ]" || fail "patch2 was not replaced"
	assert_eq replace "$(answer)" "answer after the forced replace"
	out=$("$RMMOD" klpx_test_patch2 2>&1) && fail "rmmod of a patch replaced by a forced replace succeeded"
	assert_contains "$out" "in use"
	echo 1 > /proc/klpx_target/release; wait $pid
	disable_lp klpx_test_replace
	out=$("$RMMOD" klpx_test_replace 2>&1) && fail "rmmod of a forced replace module succeeded"
	# both stay loaded by design: not the cleanup's to remove
	sed -i '/ klpx_test_patch2$/d; / klpx_test_replace$/d' "$KLPX_CASE_DIR/loaded"
}
run_case "a forced atomic replace keeps the replaced patches' modules too" case_force_replace
