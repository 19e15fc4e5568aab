#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
# `make bench` with tiny sizes, so that it cannot rot: every step runs and
# every call is answered by the version its caller's universe demands.
# Speed is reported, never asserted here.
. "$(dirname "$0")/../lib/functions.sh"

# Steps: selftests/perf/bench.sh, 1 round, 2000 calls, 20 tasks (saturated: 100, 1 round), a 10-function patch.
# Expect: exit 0, no FAIL, bad 0, every figure in bench.json, klpx unloaded.
case_bench_tiny()
{
	local out rc
	require_cmd jq bpftool
	[ -x "$KLPX_ROOT/selftests/perf/klpx-perf" ] || fail "no selftests/perf/klpx-perf: build it with make"
	mod_loaded klpx && unload_mod klpx
	on_cleanup "for m in klpx_bench_lp klpx_bench_lpb klpx_bench_f10_lp klpx_bench_f10_lpb klpx_bench_target klpx; do rmmod \$m 2>/dev/null; done; true"
	out=$(BENCH_ROUNDS=1 BENCH_CALLS=2000 BENCH_SIZES=20 \
		BENCH_SAT_SIZES=100 BENCH_SAT_ROUNDS=1 BENCH_MANY_SIZES=10 KLPX_RESULTS=/tmp \
		bash "$KLPX_ROOT/selftests/perf/bench.sh" 2>&1); rc=$?
	echo "$out"
	assert_eq 0 "$rc" "bench exit status"
	assert_contains "$out" "GOALS (klpx / built-in)"
	assert_not_contains "$out" "FAIL"
	# the threads on the patched path read only answers a version gives
	assert_contains "$out" " bad 0"
	# the calling kthreads called, every answer one a version gives
	assert_contains "$out" "kthreads called "
	jq -e '.figures["call/klpx"].n == 1 and .figures["call/builtin"].n == 1 and
		.figures["during_unswitched/klpx"].n == 1 and
		.figures["during_switched/builtin"].n == 1 and
		.figures["enable_20/klpx"].n == 1 and .figures["disable_20/builtin"].n == 1 and
		.figures["observe/klpx_observed"].n == 1 and
		.figures["released_20/klpx"].n == 1 and
		.figures["enable_sat_100/builtin"].n == 1 and .figures["disable_sat_100/klpx"].n == 1 and
		.figures["setup_f10/klpx"].n == 1 and .figures["trans_f10/builtin"].n == 1 and
		.figures["released_f10/klpx"].n == 1 and
		.figures["mem_after/klpx"].median == 0' /tmp/bench.json >/dev/null ||
		fail "bench.json lacks a figure: $(cat /tmp/bench.json)"
	mod_loaded klpx && fail "the bench left klpx loaded"
	true
}
run_case "make bench, tiny: every figure measured, every call answered right" case_bench_tiny
