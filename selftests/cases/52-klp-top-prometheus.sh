#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
# vm-group: klp-top (the two shorter klp-top files share one VM and its warm caches)
# klp-top --prometheus FILE: one sample of both cores (klpx and the kernel's
# built-in livepatch) in the Prometheus text format, checked by promtool.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
TOP=$KLPX_ROOT/tools/klp-top/klp-top
LP=/sys/kernel/livepatch

# metric FILE 'NAME{LABELS}': its value in FILE, or nothing
metric() { awk -v m="$2" '$1 == m { print $2 }' "$1"; }

# Steps: klpx patch1 held by a sleeper (no signals); the built-in patch
# klpx_test_builtin enabled on klpx_target_dup_caller; klp-top --prometheus
# (both cores, 1 s sample) into a textfile directory.
# Expect: promtool check metrics passes; per core: patches enabled and in
# transition, the klpx blocker by reason, the transition's tasks; no
# temporary file left beside it; a second sample keeps the first's start.
case_both_cores()
{
	local d=$KLPX_CASE_DIR/textfile f out s1 s2 e2
	require_cmd promtool
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	load_mod "$M/klpx_test_builtin.ko"
	on_cleanup "echo 0 > $LP/klpx_test_builtin/enabled; loop_until '[ ! -e $LP/klpx_test_builtin ]' 60"
	loop_until "_reads $LP/klpx_test_builtin/transition 0" 60 || fail "built-in transition did not end"
	block_in_target
	load_lp_nowait "$M/klpx_test_patch1.ko"
	wait_blocked $BLOCKER
	mkdir -p "$d"
	f=$d/klp.prom
	"$TOP" --prometheus "$f" -d 1 || fail "klp-top --prometheus failed"
	cat "$f"
	out=$(promtool check metrics <"$f" 2>&1) || fail "promtool check metrics: $out"
	[ -z "$out" ] || fail "promtool check metrics complains: $out"
	assert_eq 1 "$(metric "$f" 'klp_patch_enabled{core="klpx",patch="klpx_test_patch1"}')"
	assert_eq 1 "$(metric "$f" 'klp_patch_transition{core="klpx",patch="klpx_test_patch1"}')"
	assert_eq 1 "$(metric "$f" 'klp_patch_enabled{core="builtin",patch="klpx_test_builtin"}')"
	assert_eq 0 "$(metric "$f" 'klp_patch_transition{core="builtin",patch="klpx_test_builtin"}')"
	assert_eq 1 "$(metric "$f" 'klp_transition_active{core="klpx"}')"
	assert_eq 0 "$(metric "$f" 'klp_transition_active{core="builtin"}')"
	assert_eq 1 "$(metric "$f" 'klp_transition_blocking_tasks{core="klpx",reason="function_on_stack"}')"
	[ "$(metric "$f" 'klp_transition_tasks{core="klpx",patch="klpx_test_patch1"}')" -gt 1 ] ||
		fail "no task count for klpx_test_patch1"
	grep -q '^klp_transition_elapsed_seconds{core="klpx",patch="klpx_test_patch1",target="patched"} ' "$f" ||
		fail "no elapsed time"
	grep -q '^klp_function_sample_calls{core="builtin",function="klpx_target_dup_caller",code="new"} ' "$f" ||
		fail "no per-function calls of the built-in patch"
	grep -q '^# TYPE klp_function_calls_total counter$' "$f" || fail "no klp_function_calls_total counter"
	assert_eq 0 "$(metric "$f" 'klp_top_dropped_events{core="klpx"}')"
	assert_eq 0 "$(metric "$f" 'klp_top_missing_probes{core="builtin"}')"
	assert_eq "klp.prom" "$(ls "$d")"
	# a second sample 2 s later keeps the start the first one knew
	s1=$(awk '/^klp_transition_start_timestamp_seconds\{core="klpx"/ { print $2 }' "$f")
	[ -n "$s1" ] || fail "no start timestamp"
	sleep 2
	"$TOP" --prometheus "$f" -d 1 || fail "klp-top --prometheus failed the second time"
	s2=$(awk '/^klp_transition_start_timestamp_seconds\{core="klpx"/ { print $2 }' "$f")
	e2=$(awk '/^klp_transition_elapsed_seconds\{core="klpx"/ { print $2 }' "$f")
	log "start $s1 then $s2, elapsed $e2"
	awk -v a="$s1" -v b="$s2" 'BEGIN { exit !(b <= a + 0.001) }' ||
		fail "the second sample's start $s2 is later than the first's $s1"
	awk -v e="$e2" 'BEGIN { exit !(e >= 3) }' ||
		fail "elapsed $e2 s after two samples 2 s apart"
	echo 1 > /proc/klpx_target/release
	wait_transition klpx_test_patch1
	disable_lp klpx_test_patch1
}
run_case "klp-top --prometheus writes both cores' state in a form promtool accepts" case_both_cores

# Steps: 3 sleepers hold patch1 and are released (each calls
# klpx_target_answer from the old universe), then 51 calls after the
# transition; klp-top --core klpx --prometheus; 5 more calls; a second run.
# Expect: promtool clean; klp_function_calls_total new 51 and old 3, then
# new 56 and old 3 (a counter kept by klpx across klp-top's runs).
case_counters()
{
	local d=$KLPX_CASE_DIR/textfile f out k=3 n=50 i key
	require_cmd promtool
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_many_in_target $k
	patch1_over_blockers $n
	mkdir -p "$d"
	f=$d/klp.prom
	"$TOP" --core klpx --prometheus "$f" -d 0.2 || fail "klp-top --prometheus failed"
	grep klp_function_calls "$f"
	out=$(promtool check metrics <"$f" 2>&1) || fail "promtool check metrics: $out"
	[ -z "$out" ] || fail "promtool check metrics complains: $out"
	key='klp_function_calls_total{core="klpx",patch="klpx_test_patch1",object="klpx_test_target",function="klpx_target_answer",sympos="1"'
	assert_eq 51 "$(metric "$f" "$key,code=\"new\"}")"
	assert_eq 3 "$(metric "$f" "$key,code=\"old\"}")"
	for i in 1 2 3 4 5; do cat /proc/klpx_target/answer >/dev/null; done
	"$TOP" --core klpx --prometheus "$f" -d 0.2 || fail "klp-top --prometheus failed the second time"
	assert_eq 56 "$(metric "$f" "$key,code=\"new\"}")"
	assert_eq 3 "$(metric "$f" "$key,code=\"old\"}")"
	disable_lp klpx_test_patch1
}
run_case "klp-top --prometheus exports klpx's call counts as exact _total counters" case_counters

# Steps: --core builtin --prometheus into a directory that does not exist.
# Expect: exit 2, one line naming the file; nothing written.
case_unwritable()
{
	local out rc
	out=$("$TOP" --core builtin --prometheus /nonexistent/klp.prom -d 0.2 2>&1); rc=$?
	assert_eq 2 "$rc"
	assert_contains "$out" "klp-top: cannot write /nonexistent/klp.prom: No such file or directory"
}
run_case "klp-top --prometheus says which file it cannot write and exits 2" case_unwritable

# Steps: rmmod klpx.  Expect: it unloads.
case_core_unload() { unload_mod klpx; }
run_case "the core unloads after the prometheus cases" case_core_unload
