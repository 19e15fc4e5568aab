#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
# vm-group: bpftrace (the two bpftrace files share one VM and its warm caches)
# A BPF fentry/fexit program (bpftrace kfunc:/kretfunc:) on a function klpx
# patches: refused cleanly while a direct-call hook holds it (serving or
# parked), free once the patch module is gone, shared when klpx hooks it
# with an ftrace_ops (direct_calls=0), as docs/patch-author.md says.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
F=cmdline_proc_show
SAMPLE=$KLPX_SYSFS/klpx_sample/vmlinux/$F,1
PATCHED="this kernel is live patched by klpx"
# only cat's reads: insmod reads /proc/cmdline too (kmod looks for its
# module parameters there)
BT_COUNT="bpftrace -e 'kfunc:$F /comm == \"cat\"/ { @entries = count(); }
	kretfunc:$F /comm == \"cat\"/ { @returns = count(); }'"

# read_cmdline N: N reads of /proc/cmdline; the last one's text in CMDLINE
read_cmdline()
{
	local i
	for ((i = 0; i < $1; i++)); do
		CMDLINE=$(cat /proc/cmdline)
	done
}

# bt_count NAME: the value of the count map @NAME in bpftrace's output
bt_count()
{
	sed -n "s/^@$1: \([0-9]*\)$/\1/p" "$BT_OUT"
}

# bt_refused: bpftrace on $F must fail to attach, exit non-zero, and say
# why in the words docs/patch-author.md quotes
bt_refused()
{
	local out rc
	out=$(timeout 120 bpftrace -e "kfunc:$F { @entries = count(); }" 2>&1)
	rc=$?
	log "bpftrace exited $rc: $out"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "bpftrace attached or hung (status $rc): $out"
	assert_contains "$out" "ERROR: Error attaching probe: kfunc:vmlinux:$F" "bpftrace's error"
}

# Steps: bpftrace counts kfunc/kretfunc of cmdline_proc_show; 20 reads.
# Expect: 20 entries and 20 returns (the probe works with no patch at all).
case_unpatched()
{
	bpftrace_start unpatched "$BT_COUNT"
	read_cmdline 20
	bpftrace_stop >/dev/null
	assert_eq 20 "$(bt_count entries)" "kfunc entries"
	assert_eq 20 "$(bt_count returns)" "kretfunc returns"
}
run_case "a BPF fentry/fexit program counts every call of an unpatched function" case_unpatched

# Steps: klpx_sample enabled (direct call, the default); bpftrace kfunc on
# the patched function; then, park_ms far out of reach, the patch disabled
# (its hook parked) and bpftrace again; then rmmod klpx_sample and
# bpftrace once more.
# Expect: refused with bpftrace's attach error while the hook serves and
# while it is parked, the patch answering all along; attaches and counts
# every call as soon as rmmod has returned.
case_direct()
{
	klpx_up
	load_lp "$M/klpx_sample.ko"
	assert_eq fast "$(hook_path $F)" "the hook's path"
	bt_refused
	read_cmdline 1
	assert_eq "$PATCHED" "$CMDLINE" "/proc/cmdline after the refused probe"
	set_param park_ms 600000
	disable_lp klpx_sample
	assert_eq parked "$(hook_state $F)" "the hook after the disable"
	bt_refused
	assert_eq parked "$(hook_state $F)" "the hook after the refused probe"
	unload_lp klpx_sample
	bpftrace_start released "$BT_COUNT"
	read_cmdline 10
	bpftrace_stop >/dev/null
	assert_eq 10 "$(bt_count entries)" "kfunc entries after rmmod"
	assert_not_contains "$CMDLINE" "$PATCHED" "/proc/cmdline after rmmod"
}
run_case "a direct-call hook, serving or parked, refuses a BPF trampoline cleanly; rmmod frees the function" case_direct

# Steps: klpx_sample enabled and disabled with park_ms=0.
# Expect: the hook is gone from the hooks file within 30 s (a release
# waits for an RCU-tasks grace period) and bpftrace attaches, the patch
# module still loaded.
case_park_zero()
{
	klpx_up
	set_param park_ms 0
	load_lp "$M/klpx_sample.ko"
	disable_lp klpx_sample
	loop_until "[ -z \"\$(hook_state $F)\" ]" 30 ||
		fail "hook still there: $(cat /sys/kernel/debug/klpx/hooks)"
	bpftrace_start park0 "$BT_COUNT"
	read_cmdline 5
	bpftrace_stop >/dev/null
	assert_eq 5 "$(bt_count entries)" "kfunc entries after the release"
	unload_lp klpx_sample
}
run_case "with park_ms=0 a disabled patch's function is free for BPF with its module still loaded" case_park_zero

# Steps: direct_calls=0; klpx_sample enabled; bpftrace counts kfunc and
# kretfunc; 30 reads; the patch disabled with bpftrace still attached; 10
# reads; rmmod klpx_sample, bpftrace still attached; 5 reads.
# Expect: the hook's path is ftrace_ops; the 30 reads answer the patch and
# are counted by bpftrace and by the func's calls_new; the 10 reads after
# the disable answer the original; the hook is gone after rmmod and the
# program keeps counting (45 entries and returns in all).
case_ftrace_ops()
{
	klpx_up
	set_param direct_calls 0
	load_lp "$M/klpx_sample.ko"
	assert_eq ftrace_ops "$(hook_path $F)" "the hook's path"
	bpftrace_start shared "$BT_COUNT"
	read_cmdline 30
	assert_eq "$PATCHED" "$CMDLINE" "/proc/cmdline with bpftrace attached"
	assert_eq 30 "$(cat $SAMPLE/calls_new)" "calls_new"
	disable_lp klpx_sample
	read_cmdline 10
	assert_not_contains "$CMDLINE" "$PATCHED" "/proc/cmdline after the disable"
	# the hook goes with the module while the BPF program stays attached
	unload_lp klpx_sample
	assert_eq "" "$(hook_state $F)" "klpx's hook after rmmod"
	read_cmdline 5
	bpftrace_stop >/dev/null
	assert_eq 45 "$(bt_count entries)" "kfunc entries"
	assert_eq 45 "$(bt_count returns)" "kretfunc returns"
}
run_case "with direct_calls=0 a BPF fentry/fexit program shares the patched function" case_ftrace_ops

# Steps: bpftrace attached to the function first; then, direct_calls=0,
# klpx_sample enabled; 20 reads; bpftrace stopped; the patch disabled.
# Expect: the enable succeeds under the attached program; the 20 reads
# answer the patch and bpftrace counts each entry and return.
case_ftrace_ops_after_bpf()
{
	klpx_up
	set_param direct_calls 0
	bpftrace_start first "$BT_COUNT"
	load_lp "$M/klpx_sample.ko"
	read_cmdline 20
	assert_eq "$PATCHED" "$CMDLINE" "/proc/cmdline"
	bpftrace_stop >/dev/null
	assert_eq 20 "$(bt_count entries)" "kfunc entries"
	assert_eq 20 "$(bt_count returns)" "kretfunc returns"
	disable_lp klpx_sample
	unload_lp klpx_sample
}
run_case "with direct_calls=0 a patch is enabled on a function a BPF program already traces" case_ftrace_ops_after_bpf

# Steps: direct_calls=0; patch1 on klpx_target_answer enabled; the
# built-in livepatch's test module on the same function.
# Expect: the built-in's load fails with EBUSY (two IPMODIFY users of one
# function), patch1 keeps answering.
case_ftrace_ops_builtin()
{
	klpx_up
	set_param direct_calls 0
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	assert_eq ftrace_ops "$(hook_path klpx_target_answer)" "the hook's path"
	load_failing_mod "$M/klpx_test_builtin.ko" EBUSY func=klpx_target_answer
	assert_eq patch1 "$(answer)" "answer after the built-in's refusal"
	disable_lp klpx_test_patch1
	unload_lp klpx_test_patch1
	unload_mod klpx_test_target
}
run_case "with direct_calls=0 the built-in livepatch is still refused the function" case_ftrace_ops_builtin

# Steps: the built-in livepatch's test module on klpx_target_answer first;
# then, direct_calls=0, patch1 on the same function.
# Expect: patch1's load is refused with EBUSY (ftrace refuses the second
# IPMODIFY user: klpx waits for ftrace's callers before freeing the hook),
# the built-in's patch keeps answering.
case_builtin_then_ftrace_ops()
{
	klpx_up
	set_param direct_calls 0
	load_mod "$M/klpx_test_target.ko"
	load_mod "$M/klpx_test_builtin.ko" func=klpx_target_answer
	on_cleanup 'echo 0 > /sys/kernel/livepatch/klpx_test_builtin/enabled 2>/dev/null; loop_until "[ ! -e /sys/kernel/livepatch/klpx_test_builtin ]"'
	loop_until "grep -qx 0 /sys/kernel/livepatch/klpx_test_builtin/transition" 30 ||
		fail "built-in transition did not finish"
	load_failing_mod "$M/klpx_test_patch1.ko" EBUSY
	assert_contains "$(dmesg_since_mark)" "klpx: failed to register ftrace handler for function 'klpx_target_answer' (-16)"
	assert_eq builtin "$(answer)" "answer after klpx's refusal"
	assert_eq "" "$(hook_state klpx_target_answer)" "klpx's hook after the refusal"
}
run_case "with direct_calls=0 klpx is refused a function the built-in livepatch holds, and leaves nothing" case_builtin_then_ftrace_ops

# Steps: rmmod klpx.  Expect: it unloads (no patch or hook left behind).
case_core_unload()
{
	unload_mod klpx
}
run_case "the core unloads after the sharing cases" case_core_unload
