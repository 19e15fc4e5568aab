#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 360
# vm-group: short (files under a minute share one VM; 90-force.sh, which leaves klpx loaded, sorts last)
# Atomic replace, callbacks, shadow variables, states, upstream sources.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
T=/sys/kernel/tracing
# klpx_test_target's klpx_target_wait() sleeps only in its original code:
# the block write must NOT return within 2 s (a bound for something that
# must not happen, so a fixed time)
wait_is_original()
{
	timeout 2 sh -c 'echo 1 > /proc/klpx_target/block'
	[ $? = 124 ] || return 1
	echo 1 > /proc/klpx_target/release
}
# callback lines of the kernel log since the case's mark
cb_log() { dmesg_since_mark | grep -E '^klpx_test_callbacks2?: ' ; }
# what a patch-then-unpatch of the target prints, in order
CB_FULL_CYCLE="klpx_test_callbacks: pre_patch klpx_test_target -> 0
klpx_test_callbacks: post_patch klpx_test_target
klpx_test_callbacks: pre_unpatch klpx_test_target
klpx_test_callbacks: post_unpatch klpx_test_target"

# Steps: patch1 and patch2 stacked (both replace answer and wait); a
# replace patch that replaces only answer.
# Expect: the replace patch answers, wait runs its original code (nop),
# patch1 and patch2 leave sysfs and their modules unload.
case_replace()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	load_lp "$M/klpx_test_patch2.ko"
	! wait_is_original || fail "wait runs its original code under patch2"
	echo > $T/trace; echo 1 > $T/events/klp/klp_patch_replaced/enable
	on_cleanup "echo 0 > $T/events/klp/klp_patch_replaced/enable"
	load_lp "$M/klpx_test_replace.ko" patch_wait=0
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_replace/replace)" replace
	assert_eq replace "$(answer)" "answer after replace"
	wait_is_original || fail "wait does not run its original code after replace"
	loop_until "[ ! -e $KLPX_SYSFS/klpx_test_patch1 ] && [ ! -e $KLPX_SYSFS/klpx_test_patch2 ]" ||
		fail "replaced patches still in sysfs"
	assert_missing "$KLPX_SYSFS/klpx_test_replace/klpx_test_target/klpx_target_wait,1"
	assert_contains "$(cat $T/trace)" "klp_patch_replaced: patch=klpx_test_replace replaced=klpx_test_patch1"
	assert_contains "$(cat $T/trace)" "klp_patch_replaced: patch=klpx_test_replace replaced=klpx_test_patch2"
	unload_mod klpx_test_patch1
	unload_mod klpx_test_patch2
	disable_lp klpx_test_replace
	assert_eq original "$(answer)" "answer after disabling the replace patch"
}
run_case "atomic replace over two stacked patches: nops, old patches freed and removable" case_replace

# Steps: patch1 (answer only); a sleeper in the original klpx_target_wait;
# a replace patch that also replaces wait; write 0 to its enabled.
# Expect: the reversed replace patch goes, patch1 keeps working.
case_replace_reverse()
{
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko" uninterruptible=1
	load_lp "$M/klpx_test_patch1.ko" patch_wait=0
	block_in_target
	load_lp_nowait "$M/klpx_test_replace.ko"
	wait_blocked "$BLOCKER"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_replace/transition)" "replace transition while blocked"
	log "% echo 0 > klpx_test_replace/enabled"
	echo 0 > $KLPX_SYSFS/klpx_test_replace/enabled || fail "reverse refused"
	loop_until "[ ! -e $KLPX_SYSFS/klpx_test_replace ]" 20 || fail "reversed replace patch not freed"
	assert_eq patch1 "$(answer)" "answer of the old patch"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/enabled)" "old patch enabled"
	disable_lp klpx_test_patch1
}
run_case "a replace patch reversed mid-transition leaves the old patches as they were" case_replace_reverse

# Steps: target loaded, then the callbacks patch; disable it.
# Expect: pre_patch, post_patch, pre_unpatch, post_unpatch, in order.
case_cb_target_first()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_callbacks.ko"
	disable_lp klpx_test_callbacks
	assert_eq "$CB_FULL_CYCLE" "$(cb_log)" "callback transcript"
}
run_case "callbacks: target loaded before the patch: pre/post patch, pre/post unpatch" case_cb_target_first

# Steps: the callbacks patch, then the target loads, then it goes.
# Expect: no callback before the target loads; then the full cycle.
case_cb_target_later()
{
	klpx_up
	load_lp "$M/klpx_test_callbacks.ko"
	assert_eq "" "$(cb_log)" "callbacks before the target loads"
	load_mod "$M/klpx_test_target.ko"
	assert_eq callbacks "$(answer)" "answer of the loaded target"
	unload_mod klpx_test_target
	disable_lp klpx_test_callbacks
	assert_eq "$CB_FULL_CYCLE" "$(cb_log)" "callback transcript"
}
run_case "callbacks: target loaded after the patch, then going" case_cb_target_later

# Steps: pre_patch returns -ENODEV while the patch loads.
# Expect: the load is refused with ENODEV; only pre_patch ran.
case_cb_pre_patch_fails()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_failing_mod "$M/klpx_test_callbacks.ko" ENODEV pre_patch_ret=-19
	assert_eq "klpx_test_callbacks: pre_patch klpx_test_target -> -19" "$(cb_log)" "callback transcript"
	assert_eq original "$(answer)" "answer after the refusal"
}
run_case "callbacks: a failing pre_patch refuses the patch, no post_unpatch runs" case_cb_pre_patch_fails

# Steps: the callbacks patch loaded; pre_patch set to fail; target loads.
# Expect: the target is refused with ENODEV; once pre_patch agrees it loads patched.
case_cb_pre_patch_refuses_module()
{
	klpx_up
	load_lp "$M/klpx_test_callbacks.ko"
	echo -19 > /sys/module/klpx_test_callbacks/parameters/pre_patch_ret
	load_failing_mod "$M/klpx_test_target.ko" ENODEV
	assert_contains "$(dmesg_since_mark)" "klpx: pre-patch callback failed for object 'klpx_test_target'"
	assert_contains "$(dmesg_since_mark)" "klpx: patch 'klpx_test_callbacks' failed for module 'klpx_test_target', refusing to load module 'klpx_test_target'"
	echo 0 > /sys/module/klpx_test_callbacks/parameters/pre_patch_ret
	load_mod "$M/klpx_test_target.ko"
	assert_eq callbacks "$(answer)" "answer once pre_patch agrees"
	unload_mod klpx_test_target
	disable_lp klpx_test_callbacks
}
run_case "callbacks: a failing pre_patch refuses a loading target module" case_cb_pre_patch_refuses_module

# Steps: callbacks patch, then the replace patch callbacks2.
# Expect: only callbacks2's pre_patch and post_patch run; the old patch goes.
case_cb_replace()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_callbacks.ko"
	mark
	load_lp "$M/klpx_test_callbacks2.ko"
	loop_until "[ ! -e $KLPX_SYSFS/klpx_test_callbacks ]" || fail "replaced patch still there"
	assert_eq "klpx_test_callbacks2: pre_patch klpx_test_target -> 0
klpx_test_callbacks2: post_patch klpx_test_target" "$(cb_log)" "callback transcript"
	unload_mod klpx_test_callbacks
	disable_lp klpx_test_callbacks2
}
run_case "callbacks: with replace only the new patch's callbacks run" case_cb_replace

# Steps: load the shadow test module. Expect: every check says ok.
case_shadow()
{
	klpx_up
	load_mod "$M/klpx_test_shadow.ko"
	local log; log=$(dmesg_since_mark | grep '^klpx_test_shadow: ')
	assert_not_contains "$log" "FAIL"
	assert_eq 9 "$(grep -c '^klpx_test_shadow: ok ' <<<"$log")" "shadow checks passed"
}
run_case "shadow variables: get, alloc, get_or_alloc, free, free_all, ctor/dtor, concurrent" case_shadow

# Steps: state1 (state 7 v1), then replace patch state2 with v1.
# Expect: state2 finds version 1 and replaces state1.
case_state_takeover()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_state1.ko"
	load_lp "$M/klpx_test_state2.ko" version=1
	assert_contains "$(dmesg_since_mark)" "klpx_test_state2: pre_patch: state 7 version 1, previous found version 1"
	loop_until "[ ! -e $KLPX_SYSFS/klpx_test_state1 ]" || fail "state1 not replaced"
	unload_mod klpx_test_state1
	disable_lp klpx_test_state2
}
run_case "states: a compatible replace patch takes the state over" case_state_takeover

# Steps: state1 with v2, then replace patch state2 with v1.
# Expect: state2 is refused with EINVAL; state1 keeps answering.
case_state_refused()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_state1.ko" version=2
	load_failing_mod "$M/klpx_test_state2.ko" EINVAL version=1
	assert_contains "$(dmesg_since_mark)" "klpx: patch 'klpx_test_state2': states: state 7 version 2 of patch 'klpx_test_state1' not kept (older version)"
	assert_eq klpx_test_state1 "$(answer)" "answer of the kept patch"
	disable_lp klpx_test_state1
}
run_case "states: a replace patch with an older state version is refused" case_state_refused

# Steps: a patch written for <linux/livepatch.h>, built with klpx/compat.h.
# Expect: it enables, answers "compat", disables.
case_compat()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_compat.ko"
	assert_eq compat "$(answer)" "answer of the upstream-API patch"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_compat/klpx_test_target/patched)" patched
	disable_lp klpx_test_compat
	assert_eq original "$(answer)" "answer after disable"
}
run_case "an upstream-API patch source built through klpx/compat.h works like its twin" case_compat

# Steps: rmmod klpx.  Expect: it unloads.
case_core_unload() { unload_mod klpx; }
run_case "the core unloads after the replace cases" case_core_unload
