#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - inside the VM: klpx against the kernel's built-in livepatch,
# in this one boot, the same patch source built for each
# (selftests/modules/klpx_bench_patch.h), variants interleaved round by
# round.  Prints a table (report.sh) and writes $KLPX_RESULTS/bench.json
# and the raw samples, one per round, to $KLPX_RESULTS/bench.raw (as they
# are taken).
#
# Sections, one file each: percall.sh (per call, and during a transition),
# observe.sh (cost of observation), transition.sh (enable/disable under
# load, per-task state, and under the saturated load), many.sh (patches of
# 10 and 100 functions); lib.sh has what they share.
#
# Environment: BENCH_ROUNDS (5), BENCH_CALLS per loop (200000),
# BENCH_SIZES extra tasks (100 1000 10000), BENCH_SAT_SIZES extra tasks
# of the saturated shape (1000; 10000 is opt-in: RCU-tasks grace periods of
# minutes under that load trip the guest's hung-task reports, see
# docs/performance.md), BENCH_SAT_ROUNDS its rounds (3),
# BENCH_SAT_PRIO the SCHED_FIFO priority of the enabling shell there (50),
# BENCH_MANY_SIZES functions of the many-function patches (10 100),
# BENCH_SECTIONS which sections run (percall during observe transition
# many saturated), BENCH_OBSERVER and BENCH_OBSERVER_NAME (observe.sh).  Exit status 1 if a call was answered
# by the wrong version, an observer missed a call, or a step failed; speed
# never fails it.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
R=$(cd "$here/../.." && pwd)
M=$R/selftests/modules
PERF=$here/klpx-perf
TOP=$R/tools/klp-top/klp-top
ROUNDS=${BENCH_ROUNDS:-5}
CALLS=${BENCH_CALLS:-200000}
SIZES=${BENCH_SIZES:-100 1000 10000}
SAT_SIZES=${BENCH_SAT_SIZES:-1000}
SAT_ROUNDS=${BENCH_SAT_ROUNDS:-3}
SECTIONS=" ${BENCH_SECTIONS:-percall during observe transition many saturated} "
OUT=${KLPX_RESULTS:-/tmp}
# the raw samples go straight to the results: a run cut short keeps its own
RAW=$OUT/bench.raw
HOLDER=

. "$here/lib.sh"
. "$here/percall.sh"
. "$here/observe.sh"
. "$here/transition.sh"
. "$here/many.sh"

# whatever a failure left running: no task stays asleep in the target, no
# thread keeps reading it, no observer stays attached
cleanup()
{
	[ -z "$SPAWNER" ] || kill -TERM "$SPAWNER" 2>/dev/null
	[ -w /proc/klpx_bench/ctl ] && echo go >/proc/klpx_bench/ctl 2>/dev/null
	jobs -p | xargs -r kill -INT 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT

# section NAME FN ARGS...: runs FN for every round, timed
section()
{
	local name=$1 fn=$2 t0=$SECONDS r
	shift 2
	for r in $(seq "$ROUNDS"); do "$fn" "$r" "$@"; done
	record seconds "$name" $((SECONDS - t0))
}

for c in "$PERF" bpftool jq; do
	command -v "$c" >/dev/null || fail "missing $c (run make)"
done
: >"$RAW"
insmod "$R/kernel/klpx.ko" || fail "insmod klpx"
insmod "$M/klpx_bench_target.ko" || fail "insmod klpx_bench_target"
# the holders sleep uninterruptibly; no fake signals during the bench
echo 600000 >/sys/module/klpx/parameters/signal_delay_ms

# wanted SECTION: BENCH_SECTIONS names it
wanted() { [[ $SECTIONS == *" $1 "* ]]; }

if wanted percall; then
	say "per call: $ROUNDS rounds of $CALLS calls"
	section percall percall_round
fi
if wanted during; then
	say "per call during a transition"
	section during during_round
fi
if wanted observe; then
	say "cost of observation ($OBSERVER_NAME attached)"
	section observe observe_round
fi
if wanted transition; then
	say "transition times"
	for s in $SIZES; do
		t0=$SECONDS
		transition_size "$s" $([ "$s" = "${SIZES##* }" ] && echo memory)
		record seconds "transition_$s" $((SECONDS - t0))
	done
fi
if wanted many; then
	say "patches of $MANY_SIZES functions, no extra tasks"
	for n in $MANY_SIZES; do
		section "many_$n" many_round "$n"
	done
fi
if wanted saturated; then
	say "transition times on a saturated host: $SAT_ROUNDS rounds, enabling shell at SCHED_FIFO $SAT_PRIO"
	for s in $SAT_SIZES; do
		t0=$SECONDS
		sat_size "$s"
		record seconds "saturated_$s" $((SECONDS - t0))
	done
fi

rmmod klpx_bench_target && rmmod klpx || fail "unload"
bash "$here/report.sh" "$RAW" "$OUT/bench.json" "$CALLS" "$ROUNDS" "$OBSERVER_NAME"
