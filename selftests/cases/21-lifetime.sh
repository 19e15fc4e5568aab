#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 420
# vm-group: transition (each VM costs 10-20 s of boot and cold caches: these share one)
# Tasks and modules whose lifetime a transition must respect: zombies,
# pids above the map, modules that load during a disable, hooks that must
# be gone when rmmod returns, ftrace switched off with no patch.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
T=/sys/kernel/tracing
TASKS=$KLPX_TASKS
HOOKS=/sys/kernel/debug/klpx/hooks

# zombie_of PPID: the pid of a zombie child of PPID (one awk for all tasks:
# an exec per task takes seconds under TCG)
zombie_of()
{
	awk -v pp="$1" 'FNR == 1 { z = 0 }
		/^State:/ { z = ($2 == "Z") }
		/^PPid:/ && z && $2 == pp { split(FILENAME, f, "/"); print f[3]; found = 1; exit }
		END { exit !found }' /proc/[0-9]*/status 2>/dev/null
}

# Steps: a zombie whose parent never reaps it (sh forks "sleep 0", then
# execs "sleep 1000"); patch1 enabled, then disabled.
# Expect: both transitions complete without force; the kernel log stays
# clean (the stack walk of a zombie, whose stack is gone, oopsed before).
case_zombie()
{
	local parent z
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	sh -c 'sleep 0 & exec sleep 1000' &
	parent=$!
	on_cleanup "kill $parent 2>/dev/null; wait $parent 2>/dev/null; true"
	loop_until "zombie_of $parent >/dev/null" 10 || fail "no zombie child of $parent"
	z=$(zombie_of "$parent")
	log "zombie $z (parent $parent)"
	load_lp "$M/klpx_test_patch1.ko"
	assert_eq patch1 "$(answer)" "answer after the enable"
	assert_eq Z "$(awk '/^State:/ { print $2 }' /proc/$z/status)" "the zombie is still there"
	disable_lp klpx_test_patch1
}
run_case "a zombie on the host: enable and disable complete, no oops" case_zombie

# Steps: a sleeper blocks patch1's enable; pid_max raised far above its
# value at the start; this shell (switched at its last syscall exit) makes
# a task above the old pid_max that reads the answer, and a long-lived
# sleeper up there; the blocker is released.
# Expect: the high-pid tasks took this shell's universe (the reader gets
# patch1); the transition completes without force (a pid above the map
# sized at the start was "untracked": it read the original and blocked
# the transition until force).
case_pid_above_map()
{
	local pid old hi got high
	klpx_up
	no_signals
	old=$(cat /proc/sys/kernel/pid_max)
	on_cleanup "echo $old > /proc/sys/kernel/pid_max"
	load_mod "$M/klpx_test_target.ko"
	block_in_target; pid=$BLOCKER
	load_lp_nowait "$M/klpx_test_patch1.ko"
	loop_until "grep -qP '^$BASHPID\t[^\t]*\tpatched' $TASKS" 10 ||
		fail "this shell did not switch: $(grep -P "^$BASHPID\t" $TASKS)"
	hi=$((old + 70000))
	echo $((hi + 1000)) > /proc/sys/kernel/pid_max || fail "cannot raise pid_max"
	echo $((hi - 1)) > /proc/sys/kernel/ns_last_pid || fail "cannot set ns_last_pid"
	got=$(sh -c 'echo $$; cat /proc/klpx_target/answer' | tr '\n' ' ')
	log "high-pid task: $got"
	[ "${got%% *}" -ge "$old" ] || fail "the task got pid ${got%% *}, not above $old"
	assert_eq "patch1 " "${got#* }" "answer of a new task above the old pid_max"
	sleep 1000 &
	high=$!
	on_cleanup "kill $high 2>/dev/null; wait $high 2>/dev/null; true"
	[ "$high" -ge "$old" ] || fail "the sleeper got pid $high, not above $old"
	log "% echo 1 > /proc/klpx_target/release"
	echo 1 > /proc/klpx_target/release
	wait_transition klpx_test_patch1 60
	assert_eq patch1 "$(answer)" "answer after the enable"
	disable_lp klpx_test_patch1
}
run_case "a pid above pid_max at the start neither blocks a transition nor switches unchecked" case_pid_above_map

# Steps: patch1 with new_wait_sleeps and late_object (klpx_race_target):
# a task sleeps in patch1's own klpx_target_wait(), so the disable stays in
# transition; klpx_race_target loads during the disable; the disable is
# reversed; the sleeper is woken.
# Expect: the module is patched on load (patched=1) during the disable,
# stays patched after the reversal completes, and calls of
# klpx_race_inner() go to patch1's code.
case_module_during_disable()
{
	local pid p=$KLPX_SYSFS/klpx_test_patch1/klpx_race_target/patched
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko" new_wait_sleeps=1 late_object=1
	assert_eq 0 "$(cat $p)" "race target object before it loads"
	# asleep in patch1's own klpx_target_wait()
	spawn_sleeper klpx_tp_wait 'echo 1 > /proc/klpx_target/block' \
		'echo 1 > /sys/module/klpx_test_patch1/parameters/wake; echo 1 > /proc/klpx_target/release'
	pid=$SLEEPER
	log "% echo 0 > enabled"
	echo 0 > $KLPX_SYSFS/klpx_test_patch1/enabled
	loop_until "grep -P '^$pid\t' $TASKS | grep -q 'function on stack'" 10 ||
		fail "the sleeper does not block the disable: $(grep -P "^$pid\t" $TASKS)"
	load_mod "$M/klpx_race_target.ko"
	assert_eq 1 "$(cat $p)" "race target object loaded during the disable"
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/transition)" "transition"
	log "% echo 1 > enabled (reverse)"
	echo 1 > $KLPX_SYSFS/klpx_test_patch1/enabled
	wait_transition klpx_test_patch1 30
	assert_eq 1 "$(cat $p)" "race target object after the reversal"
	echo > $T/trace; echo 1 > $T/events/klp/klp_func_redirect/enable
	on_cleanup "echo 0 > $T/events/klp/klp_func_redirect/enable"
	echo 1 > /proc/klpx_race/run
	echo 0 > $T/events/klp/klp_func_redirect/enable
	assert_contains "$(cat $T/trace)" "klp_func_redirect: func=klpx_race_inner to=new patch=klpx_test_patch1"
	echo 1 > /sys/module/klpx_test_patch1/parameters/wake
	wait $pid
	unload_mod klpx_race_target
	disable_lp klpx_test_patch1
}
run_case "a module loaded during a disable is patched, and stays so when it is reversed" case_module_during_disable

# Steps: klpx loaded with hold_anchor=0, no patch: ftrace switched off and
# on; patch1 loaded: switching off refused; patch1 disabled and unloaded:
# switched off at once. Then hold_anchor=1: patch1 loaded, disabled and
# unloaded: switching off refused (the anchor stays); hold_anchor=0: the
# write returns with the anchor gone, switching off works.
# Expect: klpx holds a direct call while it has a patch, and with
# hold_anchor=1 its anchor after (so that enables do not wait for ftrace's
# grace period); with hold_anchor=0 none once no hook is left.
case_ftrace_enabled()
{
	local f=/proc/sys/kernel/ftrace_enabled
	klpx_up
	# cleanups run newest first: ftrace goes back on, then the anchor
	set_param hold_anchor 0
	on_cleanup "echo 1 > $f"
	loop_until "[ -z \"\$(grep -v '^#' $HOOKS)\" ]" 10 || fail "hooks left: $(cat $HOOKS)"
	echo 0 > $f || fail "ftrace_enabled=0 refused with klpx loaded and no patch"
	echo 1 > $f
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	echo 0 2>/dev/null > $f && fail "ftrace_enabled=0 accepted while a patch is applied"
	assert_eq 1 "$(cat $f)" "ftrace_enabled with a patch"
	disable_lp klpx_test_patch1
	unload_lp klpx_test_patch1
	assert_eq "" "$(grep -v '^#' $HOOKS)" "hooks after rmmod of the patch"
	echo 0 > $f || fail "ftrace_enabled=0 refused right after the last patch module went"
	echo 1 > $f
	echo 1 > /sys/module/klpx/parameters/hold_anchor
	load_lp "$M/klpx_test_patch1.ko"
	disable_lp klpx_test_patch1
	unload_lp klpx_test_patch1
	assert_contains "$(grep -v '^#' $HOOKS)" "klpx_hooks_anchor" "hooks with hold_anchor=1 after the patch went"
	echo 0 2>/dev/null > $f && fail "ftrace_enabled=0 accepted while klpx holds its anchor"
	echo 0 > /sys/module/klpx/parameters/hold_anchor
	assert_eq "" "$(grep -v '^#' $HOOKS)" "hooks when the write of hold_anchor=0 returned"
	echo 0 > $f || fail "ftrace_enabled=0 refused after hold_anchor=0"
	echo 1 > $f
}
run_case "ftrace can be switched off while klpx has no patch (hold_anchor=0), and not while it has one or holds its anchor" case_ftrace_enabled

# Steps: klpx reloaded (hold_anchor=1, the default), no patch; then
# hold_anchor=0 and 1 written; then klpx reloaded with ftrace switched off,
# ftrace switched on, patch1 enabled, disabled and unloaded.
# Expect: klpx holds its anchor soon after insmod, before any patch (so
# that the first enable on a busy host does not wait for ftrace's grace
# period); writing 1 brings it back; loaded while ftrace is off, klpx
# says in one line that the first patch registers the anchor, and it
# does; and klpx, loaded while ftrace was off, unloads with a clean log
# (its kallsyms probe is never armed: 6.1 leaves a stale ftrace flag
# otherwise, and the next ftrace user to go WARNs and kills ftrace).
case_anchor_at_load()
{
	local f=/proc/sys/kernel/ftrace_enabled hp=/sys/module/klpx/parameters/hold_anchor
	# cleanups run newest first: ftrace goes back on, then the anchor
	on_cleanup "[ ! -e $hp ] || echo 1 > $hp"
	on_cleanup "echo 1 > $f"
	! mod_loaded klpx || unload_mod klpx
	klpx_up
	loop_until "grep -q klpx_hooks_anchor $HOOKS" 20 ||
		fail "no anchor 20 s after insmod klpx: $(cat $HOOKS)"
	echo 0 2>/dev/null > $f && fail "ftrace_enabled=0 accepted while klpx holds its anchor"
	echo 0 > $hp
	assert_eq "" "$(grep -v '^#' $HOOKS)" "hooks when the write of hold_anchor=0 returned"
	echo 1 > $hp
	loop_until "grep -q klpx_hooks_anchor $HOOKS" 20 ||
		fail "no anchor 20 s after hold_anchor=1: $(cat $HOOKS)"
	unload_mod klpx
	echo 0 > $f || fail "ftrace_enabled=0 refused with klpx unloaded"
	mark
	klpx_up
	loop_until "dmesg_since_mark | grep -q 'anchor direct call not registered'" 20 ||
		fail "no message about the anchor with ftrace off: $(dmesg_since_mark)"
	assert_eq "klpx: anchor direct call not registered (-16): the first patch registers it" \
		"$(dmesg_since_mark | grep anchor)" "klpx's message with ftrace off (EBUSY)"
	assert_eq "" "$(grep -v '^#' $HOOKS)" "hooks after insmod with ftrace off"
	echo 1 > $f
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	assert_contains "$(grep -v '^#' $HOOKS)" "klpx_hooks_anchor" "hooks with patch1 applied"
	disable_lp klpx_test_patch1
	unload_lp klpx_test_patch1
	assert_contains "$(grep -v '^#' $HOOKS)" "klpx_hooks_anchor" "hooks after patch1 went"
	# loaded while ftrace was off, it unloads cleanly (the kernel log check)
	unload_mod klpx
}
run_case "klpx holds its anchor from insmod, before any patch; with ftrace off the first patch registers it" case_anchor_at_load

# Steps: patch1 on klpx_target_answer disabled and unloaded; at once the
# built-in livepatch's patch of the same function loads.
# Expect: it loads (klpx released the function before rmmod returned).
case_builtin_after_rmmod()
{
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	disable_lp klpx_test_patch1
	unload_lp klpx_test_patch1
	load_mod "$M/klpx_test_builtin.ko" func=klpx_target_answer
	on_cleanup 'echo 0 > /sys/kernel/livepatch/klpx_test_builtin/enabled 2>/dev/null; loop_until "[ ! -e /sys/kernel/livepatch/klpx_test_builtin ]"'
	loop_until "grep -qx 0 /sys/kernel/livepatch/klpx_test_builtin/transition" 30 ||
		fail "built-in transition did not finish"
	assert_eq builtin "$(answer)" "answer under the built-in patch"
	echo 0 > /sys/kernel/livepatch/klpx_test_builtin/enabled
	loop_until "[ ! -e /sys/kernel/livepatch/klpx_test_builtin ]" 30 ||
		fail "built-in patch not gone"
}
run_case "the built-in livepatch takes a function right after klpx's patch of it is unloaded" case_builtin_after_rmmod

# Steps: patch1 disabled (its hooks park); klpx_sample enabled and
# disabled every 0.5 s for 4 s.
# Expect: patch1's parked hooks are released within those 4 s (a put of
# another hook pushed their release out before).
case_park_churn()
{
	local i
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	disable_lp klpx_test_patch1
	log "hooks: $(grep -v '^#' $HOOKS | tr '\n' ' ')"
	for i in 1 2 3 4 5 6 7 8; do
		load_lp "$M/klpx_sample.ko"
		disable_lp klpx_sample
		unload_lp klpx_sample
		# the churn's pace, not a wait for a state: the parked hooks'
		# 2 s release must happen while patches keep coming and going
		sleep 0.5
	done
	assert_not_contains "$(cat $HOOKS)" "klpx_target_answer" "hooks after 4 s of churn"
	unload_lp klpx_test_patch1
}
run_case "a parked hook is released after 2 s even while other patches come and go" case_park_churn

# Steps: klpx_test_target's load is held for 10 s at ftrace_module_enable()
# (the module is COMING, its ftrace call sites not yet enabled); patch1 is
# enabled meanwhile; the load finishes.
# Expect: the target gets patched by klpx's COMING notifier after ftrace
# enabled its sites: patch1 answers, and ftrace prints no warning (a direct
# call registered on the not-yet-enabled sites made ftrace_module_enable()
# WARN and the original code run while the object said patched).
case_enable_while_coming()
{
	local ins
	klpx_up
	# only this load is held: it runs as perl, every other insmod as kmod
	load_mod "$M/klpx_test_delay.ko" at=ftrace_module_enable ms=10000 comm=perl
	log "% insmod klpx_test_target.ko (held 10 s at ftrace_module_enable)"
	perl -e 'open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!\n"; my $p = "";
		syscall(313, fileno($f), $p, 0) == 0 or die "finit_module: $!\n"' \
		"$M/klpx_test_target.ko" &
	ins=$!
	on_cleanup "wait $ins 2>/dev/null; $RMMOD klpx_test_target 2>/dev/null; true"
	# /sys/module/<name> comes later in the load; /proc/modules says Loading
	loop_until "grep -q '^klpx_test_target .* Loading ' /proc/modules" 10 ||
		fail "klpx_test_target is not COMING: $(grep klpx_test_target /proc/modules)"
	load_lp_nowait "$M/klpx_test_patch1.ko"
	wait $ins || fail "insmod of the target failed"
	wait_transition klpx_test_patch1
	assert_eq 1 "$(cat $KLPX_SYSFS/klpx_test_patch1/klpx_test_target/patched)" "target object"
	assert_eq patch1 "$(answer)" "answer of the target loaded while patch1 was enabled"
	assert_contains "$(dmesg_since_mark)" "klpx: applying patch 'klpx_test_patch1' to loading module 'klpx_test_target'"
	disable_lp klpx_test_patch1
	unload_mod klpx_test_target
}
run_case "a patch enabled while its target module is COMING patches it once ftrace enabled it" case_enable_while_coming

# Steps: klpx loaded with hold_anchor=0 and no patch (so no direct call);
# ftrace switched off; rmmod klpx; ftrace switched on; with no ftrace user
# left, the function tracer started on vfs_read and stopped (the last
# ftrace user to go makes 6.1 check every function's ftrace flags); a
# filter written; klpx loaded and unloaded again.
# Expect: each step works and the kernel log stays clean (an ftrace-based
# probe unregistered with ftrace off, as klpx's exec probe was, leaves a
# stale flag on its function; the check WARNs and switches ftrace off for
# good, and filters are refused with ENODEV from then on).
case_unload_ftrace_off()
{
	local f=/proc/sys/kernel/ftrace_enabled t=/sys/kernel/tracing
	local hp=/sys/module/klpx/parameters/hold_anchor
	on_cleanup "[ ! -e $hp ] || echo 1 > $hp"
	on_cleanup "echo 1 > $f"
	on_cleanup "echo nop > $t/current_tracer; echo > $t/set_ftrace_filter"
	klpx_up
	echo 0 > $hp
	assert_eq "" "$(grep -v '^#' $HOOKS)" "hooks after hold_anchor=0"
	echo 0 > $f || fail "ftrace_enabled=0 refused with klpx loaded and no hook"
	unload_mod klpx
	echo 1 > $f
	assert_eq "" "$(cat $t/enabled_functions)" \
		"functions traced before the test's tracer (it must be the only ftrace user)"
	mark
	echo vfs_read > $t/set_ftrace_filter || fail "vfs_read cannot be traced"
	echo function > $t/current_tracer || fail "function tracer refused"
	echo nop > $t/current_tracer
	echo > $t/set_ftrace_filter
	assert_eq "" "$(kernel_log | klog_splats 20 'klpx-test: mark ')" \
		"kernel log after the tracer stopped"
	echo vfs_read > $t/set_ftrace_filter ||
		fail "set_ftrace_filter refused after the tracer stopped (ftrace killed?)"
	echo > $t/set_ftrace_filter
	klpx_up
	unload_mod klpx
}
run_case "klpx unloaded while ftrace is off leaves ftrace as it was" case_unload_ftrace_off

# Steps: klpx loaded, no patch; klp_func_redirect enabled through tracefs
# (which holds no reference on klpx); rmmod klpx; 3 s; klpx loaded again.
# Expect: rmmod succeeds, the event is gone with klpx (the module notifier
# switches it off after klpx's exit ran: klpx must not queue work then),
# and the kernel log stays clean; klpx loads again.
case_unload_while_traced()
{
	local ev=/sys/kernel/tracing/events/klp/klp_func_redirect/enable
	klpx_up
	echo 1 > $ev || fail "cannot enable klp_func_redirect"
	on_cleanup "echo 0 > $ev 2>/dev/null; true"
	unload_mod klpx
	[ ! -e $ev ] || fail "$ev still there after rmmod klpx"
	# time for a work queued by the notifier to run (on freed code)
	sleep 3
	klpx_up
	unload_mod klpx
}
run_case "klpx unloads with klp_func_redirect enabled through tracefs, cleanly" case_unload_while_traced
