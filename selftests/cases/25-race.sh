#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 480
# vm-group: transition (each VM costs 10-20 s of boot and cold caches: these share one)
# Threads call a patched path without pause while patches are enabled,
# disabled, reversed mid-transition and replaced, over and over: every
# thread sees the answer change at most once per transition (it is old
# until its task switches, new after), never a value no version gives.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
PERF=$KLPX_ROOT/selftests/perf/klpx-perf
D=$KLPX_SYSFS/klpx_bench_lp
ctl() { echo "$*" >/proc/klpx_bench/ctl || fail "ctl $*"; }

# Steps: 4 hammering threads; patch enabled/disabled 2 times, enabled and
# reversed while a holder blocks it 2 times, replaced 2 times (make soak:
# 5, 3, 3).
# Expect: no bad answer, >1000 calls, each thread saw at most one change
# per transition and at least one in all.
case_race()
{
	local out hp holder i t=0 calls max bad
	[ -x "$PERF" ] || fail "no $PERF: build it with make"
	klpx_up
	no_signals
	load_mod "$M/klpx_bench_target.ko"
	out=/tmp/race.$$
	"$PERF" hammer 4 >"$out" &
	hp=$!
	on_cleanup "kill $hp 2>/dev/null; rm -f $out"
	for i in $(seq "$(by_mode 2 5)"); do
		load_lp "$M/klpx_bench_lp.ko"; t=$((t + 1))
		disable_lp klpx_bench_lp; t=$((t + 1))
		unload_mod klpx_bench_lp
	done
	for i in $(seq "$(by_mode 2 3)"); do
		# a transition held by a sleeper in klpx_bench_hold(), reversed
		spawn_sleeper klpx_bench_hold 'echo "hold 1" >/proc/klpx_bench/ctl' \
			'echo go >/proc/klpx_bench/ctl'
		holder=$SLEEPER
		load_lp_nowait "$M/klpx_bench_lp.ko"; t=$((t + 1))
		assert_eq 1 "$(cat $D/transition)" "transition held"
		echo 0 > $D/enabled; t=$((t + 1))
		ctl go
		wait $holder
		loop_until "[ ! -e $D ]" 60 || fail "reversed patch not gone"
		unload_mod klpx_bench_lp
	done
	for i in $(seq "$(by_mode 2 3)"); do
		load_lp "$M/klpx_bench_lp.ko"; t=$((t + 1))
		load_lp "$M/klpx_bench_lpr.ko"; t=$((t + 1))
		loop_until "[ ! -e $D ]" 60 || fail "replaced patch not freed"
		unload_mod klpx_bench_lp
		disable_lp klpx_bench_lpr; t=$((t + 1))
		unload_mod klpx_bench_lpr
	done
	kill -TERM $hp
	wait $hp || fail "hammer failed"
	read -r _ calls _ max _ bad <"$out"
	log "transitions $t: calls $calls, most changes seen by one thread $max, bad $bad"
	assert_eq 0 "$bad" "answers no version gives"
	[ "$calls" -gt 1000 ] || fail "only $calls calls made"
	[ "$max" -ge 1 ] || fail "no thread ever saw a patch"
	[ "$max" -le "$t" ] || fail "a thread saw $max changes in $t transitions"
}
run_case "hammering threads see each transition once: enable, disable, reverse, replace" case_race

# Steps: rmmod klpx.  Expect: it unloads.
case_core_unload() { unload_mod klpx; }
run_case "the core unloads after the race case" case_core_unload
