#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 480
# vm-boot: bzimage (KASLR: the kernel and its symbols at a random offset, as on a real host)
# vm-group: kaslr (the two files that boot the bzimage share one VM)
# klp relocations: patches whose new code calls static functions and reads
# static variables of vmlinux and of a module (scripts/klpx-convert), the
# module loaded later and again, an unresolvable symbol, and the same
# source under the kernel's built-in livepatch.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
T=/sys/kernel/tracing
LP=/sys/kernel/livepatch

# what klpx_test_relocs's cmdline_proc_show prints: the static variable
# cap_last_cap (its sysctl tells the value) and the static
# uptime_proc_show()'s line
cmdline_re()
{
	echo "^relocs cap_last_cap=$(cat /proc/sys/kernel/cap_last_cap) uptime=[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2}\$"
}

# what its klpx_target_answer answers: the module's static
# klpx_target_secret(), its static klpx_target_last, and the second of its
# two klpx_target_dup (sympos 2: returns 1; the first returns 2)
RELOCS_ANSWER="relocs:4242:none:1"

assert_cmdline_relocs()
{
	local out
	out=$(cat /proc/cmdline)
	[[ $out =~ $(cmdline_re) ]] ||
		fail "/proc/cmdline: expected /$(cmdline_re)/, got '$out'"
}

# Steps: load the relocation patch (vmlinux + klpx_test_target objects) with
# the target absent, klp events traced. Expect: /proc/cmdline shows the
# static variable's value and the static function's output; the patch is in
# the trace like any other; after disable /proc/cmdline is back.
case_vmlinux()
{
	local before
	klpx_up
	before=$(cat /proc/cmdline)
	trace_on klp_patch_enable klp_object_patched
	load_lp "$M/klpx_test_relocs.ko"
	assert_cmdline_relocs
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_relocs/vmlinux/patched)" "vmlinux/patched"
	assert_eq 0 "$(cat $KLPX_SYSFS/klpx_test_relocs/klpx_test_target/patched)" "target patched before it loads"
	assert_contains "$(cat $T/trace)" "klp_patch_enable: patch=klpx_test_relocs"
	assert_contains "$(cat $T/trace)" "klp_object_patched: patch=klpx_test_relocs object=vmlinux"
	disable_lp klpx_test_relocs
	assert_eq "$before" "$(cat /proc/cmdline)" "/proc/cmdline after disable"
	unload_lp klpx_test_relocs
}
run_case "a vmlinux patch calls a static function and reads a static variable (klp relocations)" case_vmlinux

# Steps: the patch first; load klpx_test_target; unload it; load it twice
# more. Expect: each load patches it and its static function answers
# through the relocations klpx applied (cleared on unload, applied again).
case_module_later()
{
	local p=$KLPX_SYSFS/klpx_test_relocs/klpx_test_target/patched i
	klpx_up
	trace_on klp_object_patched
	load_lp "$M/klpx_test_relocs.ko"
	for i in 1 2 3; do
		load_mod "$M/klpx_test_target.ko"
		assert_eq 1 "$(cat $p)" "patched after load $i"
		assert_eq "$RELOCS_ANSWER" "$(answer)" "answer after load $i"
		unload_mod klpx_test_target
		assert_eq 0 "$(cat $p)" "patched after unload $i"
	done
	assert_contains "$(cat $T/trace)" "klp_object_patched: patch=klpx_test_relocs object=klpx_test_target"
	assert_contains "$(dmesg_since_mark)" "klpx: applying patch 'klpx_test_relocs' to loading module 'klpx_test_target'"
	disable_lp klpx_test_relocs
	unload_lp klpx_test_relocs
}
run_case "a patch loaded before its module calls the module's static function once it loads, again after reloads" case_module_later

# Steps: the target first, then the patch. Expect: relocations applied at
# enable; the answer comes from the static function; disabling restores it.
case_module_first()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_relocs.ko"
	assert_eq "$RELOCS_ANSWER" "$(answer)" "answer"
	disable_lp klpx_test_relocs
	assert_eq original "$(answer)" "answer after disable"
	unload_lp klpx_test_relocs
}
run_case "a patch for a loaded module applies its module relocations at enable" case_module_first

# Steps: klpx_test_relocs_bad (calls klpx_target_missing) with the target
# loaded; then the patch first and the target after.
# Expect: ENOENT, one message naming the symbol and the object, no sysfs
# directory, the target unchanged; then the target is refused the same
# way and loads once the patch is gone.
case_unresolvable()
{
	local msg="klpx: patch 'klpx_test_relocs_bad': symbol 'klpx_target_missing' not found in object 'klpx_test_target'"
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_failing_mod "$M/klpx_test_relocs_bad.ko" ENOENT
	assert_eq 1 "$(dmesg_since_mark | grep -c "klpx: patch 'klpx_test_relocs_bad'")" "klpx messages naming the patch"
	assert_contains "$(dmesg_since_mark)" "$msg"
	assert_missing "$KLPX_SYSFS/klpx_test_relocs_bad"
	assert_eq original "$(answer)" "answer after the refusal"
	unload_mod klpx_test_target
	mark
	load_lp "$M/klpx_test_relocs_bad.ko"
	load_failing_mod "$M/klpx_test_target.ko" ENOENT
	assert_contains "$(dmesg_since_mark)" "$msg"
	assert_contains "$(dmesg_since_mark)" "refusing to load module 'klpx_test_target'"
	assert_eq 0 "$(cat $KLPX_SYSFS/klpx_test_relocs_bad/klpx_test_target/patched)" "patched after the refusal"
	disable_lp klpx_test_relocs_bad
	unload_lp klpx_test_relocs_bad
	load_mod "$M/klpx_test_target.ko"
	assert_eq original "$(answer)" "answer once the patch is gone"
}
run_case "an unresolvable symbol refuses the patch, or the module, with one message naming it" case_unresolvable

# Steps: klpx_test_relocs_badv (a vmlinux patch calling
# klpx_no_such_function). Expect: the kernel's loader, which applies the
# vmlinux relocations, refuses it with EINVAL and its own message; klpx
# never sees it; /proc/cmdline unchanged.
case_unresolvable_vmlinux()
{
	local before
	klpx_up
	before=$(cat /proc/cmdline)
	load_failing_mod "$M/klpx_test_relocs_badv.ko" EINVAL
	assert_contains "$(dmesg_since_mark)" "livepatch: symbol 'klpx_no_such_function' not found in symbol table"
	assert_not_contains "$(dmesg_since_mark)" "klpx: enabling patch 'klpx_test_relocs_badv'"
	assert_missing "$KLPX_SYSFS/klpx_test_relocs_badv"
	assert_eq "$before" "$(cat /proc/cmdline)" "/proc/cmdline"
}
run_case "an unresolvable vmlinux symbol is refused by the kernel's loader" case_unresolvable_vmlinux

# Steps: klpx_test_relocs_raw, the same patch never given to klpx-convert.
# Expect: EINVAL, one message saying it was not converted, nothing patched.
case_unconverted()
{
	local before
	klpx_up
	before=$(cat /proc/cmdline)
	load_failing_mod "$M/klpx_test_relocs_raw.ko" EINVAL
	assert_contains "$(dmesg_since_mark)" "klpx: patch 'klpx_test_relocs_raw': module has a .note.klpx.syms section: it was not converted by klpx-convert"
	assert_missing "$KLPX_SYSFS/klpx_test_relocs_raw"
	assert_eq "$before" "$(cat /proc/cmdline)" "/proc/cmdline"
}
run_case "a patch module that was not converted is refused" case_unconverted

# builtin_off: disable the built-in patch klpx_test_relocs_lp, wait for it
builtin_off()
{
	[ -e $LP/klpx_test_relocs_lp/enabled ] || return 0
	echo 0 > $LP/klpx_test_relocs_lp/enabled
	loop_until "[ ! -e $LP/klpx_test_relocs_lp ]"
}

# Steps: the same source through <linux/livepatch.h> under the built-in
# livepatch: patch first, then the target; unload and reload the target.
# Expect: the same /proc/cmdline and answer as under klpx. The reload is
# refused by 6.1's built-in (it never clears the module's relocations:
# "Skipping invalid relocation target"), where klpx patches it again.
case_builtin_reference()
{
	klpx_up
	# the built-in loads an unconverted one too: its symbols are weak,
	# so they are 0 and the first read oopses
	[[ $(readelf -S -W "$M/klpx_test_relocs_lp.ko") == *' .klp.rela.vmlinux.'* ]] ||
		fail "klpx_test_relocs_lp.ko has no klp relocations: the build did not convert it (make klp-convert)"
	load_mod "$M/klpx_test_relocs_lp.ko"
	on_cleanup builtin_off
	loop_until "grep -qx 0 $LP/klpx_test_relocs_lp/transition" || fail "built-in transition"
	assert_cmdline_relocs
	load_mod "$M/klpx_test_target.ko"
	assert_eq "$RELOCS_ANSWER" "$(answer)" "answer under the built-in"
	unload_mod klpx_test_target
	load_failing_mod "$M/klpx_test_target.ko" ENOEXEC
	assert_contains "$(dmesg_since_mark)" "x86/modules: Skipping invalid relocation target, existing value is nonzero"
	assert_contains "$(dmesg_since_mark)" "livepatch: failed to initialize patch 'klpx_test_relocs_lp' for module 'klpx_test_target' (-8)"
	builtin_off
	unload_mod klpx_test_relocs_lp
}
run_case "the same patch source under the built-in livepatch gives the same results (reference)" case_builtin_reference

# Steps: after every case, unload the core. Expect: it goes.
case_core_unload()
{
	mod_loaded klpx || fail "klpx is not loaded after the cases"
	unload_mod klpx
	assert_missing "$KLPX_SYSFS"
}
run_case "the core unloads after all patches are gone" case_core_unload
