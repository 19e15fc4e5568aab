#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 540
# vm-boot: bzimage (KASLR: the kernel and its symbols at a random offset, as on a real host)
# vm-group: kaslr (the two files that boot the bzimage share one VM)
# klpx.ko core: patches, objects, funcs, func stacks, sysfs, bad input.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS

# Steps: load klpx and the sample patch of cmdline_proc_show (vmlinux).
# Expect: /proc/cmdline says the kernel is patched, the sysfs files say
# enabled/patched; after disable, /proc/cmdline is back and the module goes.
case_vmlinux()
{
	local before
	klpx_up
	before=$(cat /proc/cmdline)
	load_lp "$M/klpx_sample.ko"
	assert_eq "this kernel is live patched by klpx" "$(cat /proc/cmdline)" "/proc/cmdline"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_sample/enabled)" enabled
	assert_eq 0 "$(cat $KLPX_SYSFS/klpx_sample/replace)" replace
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_sample/vmlinux/patched)" "vmlinux/patched"
	assert_exists "$KLPX_SYSFS/klpx_sample/vmlinux/cmdline_proc_show,1"
	assert_eq "-rw-r--r--" "$(stat -c %A $KLPX_SYSFS/klpx_sample/enabled)" "enabled mode"
	assert_eq "--w-------" "$(stat -c %A $KLPX_SYSFS/klpx_sample/force)" "force mode"
	assert_contains "$(dmesg_since_mark)" "klpx: enabling patch 'klpx_sample'"
	[ $(( $(cat /proc/sys/kernel/tainted) & 32768 )) -ne 0 ] || fail "kernel not tainted with TAINT_LIVEPATCH"
	disable_lp klpx_sample
	assert_eq "$before" "$(cat /proc/cmdline)" "/proc/cmdline after disable"
	unload_lp klpx_sample
}
run_case "a vmlinux patch changes /proc/cmdline, disable restores it, the module unloads" case_vmlinux

# Steps: patch1 for klpx_test_target before the target loads; load the
# target; unload it. Expect: patched 0, then 1 with the new code answering,
# then 0 again.
case_module_later()
{
	klpx_up
	load_lp "$M/klpx_test_patch1.ko"
	local p=$KLPX_SYSFS/klpx_test_patch1/klpx_test_target/patched
	assert_eq 0 "$(cat $p)" "patched before the target loads"
	load_mod "$M/klpx_test_target.ko"
	assert_eq 1 "$(cat $p)" "patched after the target loads"
	assert_eq patch1 "$(answer)" "answer of the loaded target"
	assert_contains "$(dmesg_since_mark)" "klpx: applying patch 'klpx_test_patch1' to loading module 'klpx_test_target'"
	unload_mod klpx_test_target
	assert_contains "$(dmesg_since_mark)" "klpx: reverting patch 'klpx_test_patch1' on unloading module 'klpx_test_target'"
	assert_eq 0 "$(cat $p)" "patched after the target went"
	load_mod "$M/klpx_test_target.ko"
	assert_eq patch1 "$(answer)" "answer of the reloaded target"
	unload_mod klpx_test_target
	disable_lp klpx_test_patch1
}
run_case "a patch for a module loaded later patches it on load and unpatches it on unload" case_module_later

stack_setup()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	assert_eq original "$(answer)" "answer unpatched"
	load_lp "$M/klpx_test_patch1.ko"
	assert_eq patch1 "$(answer)" "answer with patch1"
	load_lp "$M/klpx_test_patch2.ko"
	assert_eq patch2 "$(answer)" "answer with patch1 and patch2 (newest runs)"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/stack_order)" "stack_order of patch1"
	assert_eq 2 "$(cat $KLPX_SYSFS/klpx_test_patch2/stack_order)" "stack_order of patch2"
}

# Steps: patch1 then patch2 on the same func; disable patch2, then patch1.
# Expect: patch2 answers, then patch1, then the original code.
case_stack_top()
{
	stack_setup
	disable_lp klpx_test_patch2
	assert_eq patch1 "$(answer)" "answer after disabling the newest"
	disable_lp klpx_test_patch1
	assert_eq original "$(answer)" "answer after disabling both"
}
run_case "two patches on one func: the newest runs, disabling it falls back to the older" case_stack_top

# Steps: patch1 then patch2; disable patch1 (the one in the middle).
# Expect: patch2 still answers and its stack_order becomes 1.
case_stack_middle()
{
	stack_setup
	disable_lp klpx_test_patch1
	assert_eq patch2 "$(answer)" "answer after disabling the older"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch2/stack_order)" "stack_order of patch2 alone"
	disable_lp klpx_test_patch2
	assert_eq original "$(answer)" "answer after disabling both"
}
run_case "disabling the older patch keeps the newer one running; stack_order follows" case_stack_middle

# Steps (each "bad" line below): load klpx_test_bad bad=BAD.
# Expect: refused with ERRNO, one klpx message, the original code runs.
# bad_case BAD ERRNO MESSAGE: klpx_test_bad bad=BAD is refused with ERRNO,
# one "klpx: patch '" message goes on with MESSAGE, the func still runs its original code.
bad_case()
{
	local bad=$1 errno=$2 msg=$3 log
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_failing_mod "$M/klpx_test_bad.ko" "$errno" "bad=$bad"
	log=$(dmesg_since_mark)
	assert_contains "$log" "klpx: patch '$msg"
	assert_eq 1 "$(grep -c "^klpx: " <<<"$log")" "number of klpx: messages"
	assert_eq original "$(answer)" "answer after the refusal"
	assert_missing "$KLPX_SYSFS/klpx_test_bad"
}
bad() { eval "case_bad_$1() { bad_case $1 $2 \"$3\"; }"; run_case "bad input refused: $1 -> $2" "case_bad_$1"; }
bad noobjs EINVAL "klpx_test_bad': objs: no objects"
bad emptyobjs EINVAL "klpx_test_bad': objs: no objects"
bad nofuncs EINVAL "klpx_test_bad': object 'klpx_test_target': funcs is NULL (give an empty array for callbacks only)"
bad empty_nocb EINVAL "klpx_test_bad': object 'klpx_test_target' has no funcs and no callbacks"
bad null_old_name EINVAL "klpx_test_bad': a func of object 'klpx_test_target' has NULL old_name"
bad null_new_func EINVAL "klpx_test_bad': a func of object 'klpx_test_target' has NULL new_func"
bad nosym ENOENT "klpx_test_bad': old_name 'klpx_no_such_function' not found in klpx_test_target"
bad sympos_needed EINVAL "klpx_test_bad': old_name 'klpx_target_dup' occurs 2 times in klpx_test_target: old_sympos needed"
bad sympos_range EINVAL "klpx_test_bad': old_sympos 3 of 'klpx_target_dup' out of range (2 in klpx_test_target)"
bad dup_func EINVAL "klpx_test_bad': func 'klpx_target_answer' (old_sympos 1) twice in object 'klpx_test_target'"
bad dup_sympos EINVAL "klpx_test_bad': func 'klpx_target_answer' (old_sympos 1) twice in object 'klpx_test_target'"
bad dup_obj EINVAL "klpx_test_bad': object 'klpx_test_target' twice"
bad wrong_mod EINVAL "klpx_test_target': mod is not the module that holds the patch"
bad notrace EINVAL "klpx_test_bad': old_name 'klpx_target_notrace' cannot be traced by ftrace (notrace)"
bad exec_probe EINVAL "klpx_test_bad': old_name 'exchange_tids': klpx follows exec with a probe in it, which a replacement would bypass"
bad nosize EINVAL "klpx_test_bad': new_func of 'klpx_target_wait' has no size in kallsyms"

# Steps: a well-formed patch in a module without MODULE_INFO(livepatch).
# Expect: EINVAL, one message naming the mark, nothing patched.
case_unmarked()
{
	local log
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_failing_mod "$M/klpx_test_unmarked.ko" EINVAL
	log=$(dmesg_since_mark)
	assert_contains "$log" "klpx: patch 'klpx_test_unmarked': mod: module is not marked as a livepatch module"
	assert_eq 1 "$(grep -c "^klpx: " <<<"$log")" "number of klpx: messages"
	assert_eq original "$(answer)" "answer after the refusal"
	assert_missing "$KLPX_SYSFS/klpx_test_unmarked"
}
run_case "a module not marked as a live patch is refused with EINVAL" case_unmarked

# Steps: a patch with a vmlinux object that has callbacks and an empty
# funcs array, enabled then disabled. Expect: accepted; vmlinux/patched
# reads 1; its four callbacks run in order around the transitions.
case_callbacks_only_object()
{
	local log
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_bad.ko" bad=cbonly
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_bad/vmlinux/patched)" "vmlinux/patched"
	assert_eq bad "$(answer)" "answer with the patch"
	disable_lp klpx_test_bad
	log=$(dmesg_since_mark | grep -o 'klpx_test_bad: [a-z_]* vmlinux' | tr '\n' ' ')
	assert_eq "klpx_test_bad: pre_patch vmlinux klpx_test_bad: post_patch vmlinux klpx_test_bad: pre_unpatch vmlinux klpx_test_bad: post_unpatch vmlinux " "$log" "callbacks of the vmlinux object"
}
run_case "an object with callbacks and no funcs is patched and runs its callbacks" case_callbacks_only_object

# Steps: old_sympos=2 of a name that occurs twice. Expect: accepted.
case_sympos_ok()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_bad.ko" bad=sympos_ok
	assert_exists "$KLPX_SYSFS/klpx_test_bad/klpx_test_target/klpx_target_dup,2"
	disable_lp klpx_test_bad
}
run_case "old_sympos picks the second of a repeated name" case_sympos_ok

# Steps: a module enables its patch, then the same patch again.
# Expect: the second enable returns -EINVAL ("already enabled"); the patch
# enabled once works and disables.
case_twice()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_bad.ko" bad=twice
	assert_contains "$(dmesg_since_mark)" "klpx: patch 'klpx_test_bad': already enabled"
	assert_contains "$(dmesg_since_mark)" "second enable returned -22"
	assert_eq bad "$(answer)" "answer of the once-enabled patch"
	disable_lp klpx_test_bad
	assert_eq original "$(answer)" "answer after disable"
}
run_case "enabling the same patch twice is refused with EINVAL" case_twice

# Steps: write garbage to enabled and force. Expect: EINVAL, no change.
case_sysfs_garbage()
{
	klpx_up
	load_lp "$M/klpx_sample.ko"
	local f=$KLPX_SYSFS/klpx_sample/enabled v out
	# each write is the value and a newline; "1" is the current value
	for v in "" 2 yes " 1" 10 "$(head -c 5000 /dev/zero | tr '\0' 1)" 1; do
		out=$(echo "$v" 2>&1 >"$f") && fail "write of '${v:0:10}' to enabled succeeded"
		assert_contains "$out" "Invalid argument" "error of '${v:0:10}'"
	done
	out=$(echo 1 2>&1 >"$KLPX_SYSFS/klpx_sample/force") && fail "force without a transition succeeded"
	out=$(echo yes 2>&1 >"$KLPX_SYSFS/klpx_sample/force") && fail "force=yes succeeded"
	assert_eq 1 "$(cat $f)" "enabled after garbage"
	assert_eq "this kernel is live patched by klpx" "$(cat /proc/cmdline)" "/proc/cmdline"
	disable_lp klpx_sample
}
run_case "sysfs rejects garbage and the current value with EINVAL and changes nothing" case_sysfs_garbage

# Steps: the built-in livepatch patches one function, klpx another.
# Expect: both enabled at once, klpx's patch answers.
case_builtin_beside()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_mod "$M/klpx_test_builtin.ko"
	on_cleanup 'echo 0 > /sys/kernel/livepatch/klpx_test_builtin/enabled; loop_until "[ ! -e /sys/kernel/livepatch/klpx_test_builtin ]"'
	loop_until "grep -qx 0 /sys/kernel/livepatch/klpx_test_builtin/transition" || fail "built-in transition"
	load_lp "$M/klpx_test_patch1.ko"
	assert_eq patch1 "$(answer)" "answer under klpx"
	assert_eq 1 "$(cat /sys/kernel/livepatch/klpx_test_builtin/enabled)" "built-in enabled"
	disable_lp klpx_test_patch1
}
run_case "klpx and the built-in livepatch work side by side on different functions" case_builtin_beside

# Steps: built-in patches klpx_target_answer, then klpx tries the same.
# Expect: klpx refuses with EBUSY, naming the other owner; built-in answers.
case_builtin_first()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_mod "$M/klpx_test_builtin.ko" func=klpx_target_answer
	on_cleanup 'echo 0 > /sys/kernel/livepatch/klpx_test_builtin/enabled; loop_until "[ ! -e /sys/kernel/livepatch/klpx_test_builtin ]"'
	loop_until "grep -qx 0 /sys/kernel/livepatch/klpx_test_builtin/transition" || fail "built-in transition"
	assert_eq builtin "$(answer)" "answer under the built-in"
	load_failing_mod "$M/klpx_test_patch1.ko" EBUSY
	assert_contains "$(dmesg_since_mark)" "klpx: failed to register ftrace handler for function 'klpx_target_answer' (-16)"
	assert_contains "$(dmesg_since_mark)" "klpx: failed to enable patch 'klpx_test_patch1'"
	assert_missing "$KLPX_SYSFS/klpx_test_patch1"
	assert_eq builtin "$(answer)" "answer after the refusal"
}
run_case "klpx is refused with EBUSY on a function the built-in livepatch owns" case_builtin_first

# Steps: klpx patches klpx_target_answer, then the built-in tries the same.
# Expect: the built-in is refused with EBUSY; klpx's patch still answers.
case_klpx_first()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	load_failing_mod "$M/klpx_test_builtin.ko" EBUSY func=klpx_target_answer
	assert_eq patch1 "$(answer)" "answer after the built-in was refused"
	assert_missing /sys/kernel/livepatch/klpx_test_builtin
	disable_lp klpx_test_patch1
}
run_case "the built-in livepatch is refused with EBUSY on a function klpx owns" case_klpx_first

# Steps: rmmod klpx while a patch exists.
# Expect: refused ("in use"), the patch stays.
case_rmmod_core()
{
	klpx_up
	load_lp "$M/klpx_sample.ko"
	local out
	out=$("$RMMOD" klpx 2>&1) && fail "rmmod klpx succeeded with a patch present"
	assert_contains "$out" "in use"
	assert_exists "$KLPX_SYSFS/klpx_sample"
	disable_lp klpx_sample
}
run_case "rmmod of the core is refused while a patch exists" case_rmmod_core

# Steps: after every case, unload the core. Expect: it goes, sysfs with it.
case_core_unload()
{
	mod_loaded klpx || fail "klpx is not loaded after the core cases"
	unload_mod klpx
	assert_missing "$KLPX_SYSFS"
}
run_case "the core unloads after all patches are gone" case_core_unload
