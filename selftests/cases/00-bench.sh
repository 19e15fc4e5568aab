#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 420
# vm-group: short (files under a minute share one VM; 90-force.sh, which leaves klpx loaded, sorts last)
#
# 00-bench.sh - the bench itself: the guest can load klpx and runs the
# tracing tools every later case relies on.

# shellcheck source=selftests/lib/functions.sh
. "$KLPX_ROOT/selftests/lib/functions.sh"

# Steps: insmod klpx.ko, rmmod klpx.
# Expect: "klpx: loaded" then "klpx: unloaded"; besides klpx's own lines,
# only the kernel's taint notes for an unsigned out-of-tree module.
case_load_unload()
{
	local msgs other
	load_mod "$KLPX_MOD"
	unload_mod klpx
	msgs=$(dmesg_since_mark)
	assert_contains "$msgs" "klpx: loaded" "kernel log"
	assert_contains "$msgs" "klpx: unloaded" "kernel log"
	other=$(printf '%s\n' "$msgs" | grep -v -e '^klpx: ' \
		-e 'loading out-of-tree module taints kernel' \
		-e 'module verification failed: signature and/or required key missing' |
		grep . || true)
	[ -z "$other" ] || fail "unexpected kernel messages:"$'\n'"$other"
}
run_case "klpx.ko loads and unloads with a clean kernel log" case_load_unload

# Steps: insmod klpx.ko, look at /sys/kernel/klpx, rmmod klpx.
# Expect: the directory exists while klpx is loaded, and is gone after.
case_sysfs_dir()
{
	assert_missing "$KLPX_SYSFS"
	load_mod "$KLPX_MOD"
	[ -d "$KLPX_SYSFS" ] || fail "$KLPX_SYSFS is not a directory while klpx is loaded"
	unload_mod klpx
	assert_missing "$KLPX_SYSFS"
}
run_case "/sys/kernel/klpx exists while klpx is loaded, gone after" case_sysfs_dir

# Steps: insmod klpx.ko.  Expect: /sys/kernel/btf/klpx (split BTF added
# by the build with pahole), so CO-RE programs can see klpx's structs.
case_module_btf()
{
	load_mod "$KLPX_MOD"
	assert_exists /sys/kernel/btf/klpx
	bpftool btf dump file /sys/kernel/btf/klpx >/dev/null ||
		fail "bpftool cannot read /sys/kernel/btf/klpx"
}
run_case "klpx.ko carries BTF: /sys/kernel/btf/klpx appears on load" case_module_btf

# Steps: bpftool reads vmlinux BTF as C and lists programs.
# Expect: task_struct is defined; bpftool prog exits 0.
case_bpftool()
{
	local out
	require_cmd bpftool
	out=$(bpftool btf dump file /sys/kernel/btf/vmlinux format c 2>&1 |
	      grep -m1 '^struct task_struct {')
	assert_eq "struct task_struct {" "$out" "vmlinux.h from bpftool"
	bpftool prog show >/dev/null || fail "bpftool prog show failed"
}
run_case "bpftool reads vmlinux BTF and lists programs" case_bpftool

# Steps: bpftrace on tracepoint:syscalls:sys_enter_getpid, filtered on a
# comm of our own; a trigger makes getpid(2) calls until bpftrace exits.
# Expect: bpftrace prints the line its probe formats, with the trigger's pid.
case_bpftrace()
{
	local out trig pid
	require_cmd bpftrace perl
	out=/tmp/bpftrace.$$
	trig=/tmp/klpx-getpid
	ln -sf "$(command -v perl)" "$trig"	# comm is the name exec'd
	bpftrace -e 'tracepoint:syscalls:sys_enter_getpid /comm == "klpx-getpid"/ {
		printf("klpx-seen getpid pid=%d\n", pid); exit(); }' >"$out" 2>&1 &
	pid=$!
	on_cleanup "kill $pid 2>/dev/null; rm -f $out $trig"
	loop_until "grep -q '^Attaching' $out || ! kill -0 $pid 2>/dev/null" 60 ||
		fail "bpftrace did not attach in 60 s: $(cat "$out")"
	# perl's getpid() caches; syscall 39 is getpid on x86_64
	loop_until "! kill -0 $pid 2>/dev/null || { $trig -e 'syscall(39)'; false; }" 30 ||
		fail "bpftrace saw no getpid in 30 s: $(cat "$out")"
	wait "$pid" || fail "bpftrace exited with $?: $(cat "$out")"
	grep -q '^klpx-seen getpid pid=[0-9][0-9]*$' "$out" ||
		fail "no 'klpx-seen getpid' line in bpftrace output:"$'\n'"$(cat "$out")"
}
run_case "bpftrace prints from a one-liner on a syscall tracepoint" case_bpftrace
