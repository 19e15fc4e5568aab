#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
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
# the patched function; then the patch disabled (its hook parked) and
# bpftrace again; then rmmod klpx_sample and bpftrace once more.
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
	disable_lp klpx_sample
	assert_eq parked "$(awk -v f=$F '$1 == f { print $2 }' /sys/kernel/debug/klpx/hooks)" "the hook after the disable"
	bt_refused
	unload_lp klpx_sample
	bpftrace_start released "$BT_COUNT"
	read_cmdline 10
	bpftrace_stop >/dev/null
	assert_eq 10 "$(bt_count entries)" "kfunc entries after rmmod"
	assert_not_contains "$CMDLINE" "$PATCHED" "/proc/cmdline after rmmod"
}
run_case "a direct-call hook, serving or parked, refuses a BPF trampoline cleanly; rmmod frees the function" case_direct

# Steps: direct_calls=0; klpx_sample enabled; bpftrace counts kfunc and
# kretfunc; 30 reads; the patch disabled with bpftrace still attached; 10
# reads; bpftrace stopped; rmmod.
# Expect: the hook's path is ftrace_ops; the 30 reads answer the patch and
# are counted by bpftrace and by the func's calls_new; the 10 reads after
# the disable answer the original and are counted too (40 in all).
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
	bpftrace_stop >/dev/null
	assert_eq 40 "$(bt_count entries)" "kfunc entries"
	assert_eq 40 "$(bt_count returns)" "kretfunc returns"
	unload_lp klpx_sample
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

case_core_unload()
{
	unload_mod klpx
}
run_case "the core unloads after the sharing cases" case_core_unload
