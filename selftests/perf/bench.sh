#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - inside the VM: klpx against the kernel's built-in livepatch,
# in this one boot, the same patch source built for each
# (selftests/modules/klpx_bench_patch.h), variants interleaved round by
# round.  Prints a table (report.sh) and writes $KLPX_RESULTS/bench.json.
#
# Environment: BENCH_ROUNDS (5), BENCH_CALLS per loop (200000),
# BENCH_SIZES extra tasks (100 1000 10000).  Exit status 1 if a call was
# answered by the wrong version or a step failed; speed never fails it.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
R=$(cd "$here/../.." && pwd)
M=$R/selftests/modules
PERF=$here/klpx-perf
TOP=$R/tools/klp-top/klp-top
ROUNDS=${BENCH_ROUNDS:-5}
CALLS=${BENCH_CALLS:-200000}
SIZES=${BENCH_SIZES:-100 1000 10000}
OUT=${KLPX_RESULTS:-/tmp}
RAW=/tmp/bench.raw
: >"$RAW"

declare -A MOD=([klpx]=klpx_bench_lp [builtin]=klpx_bench_lpb)
declare -A DIR=([klpx]=/sys/kernel/klpx/klpx_bench_lp
		[builtin]=/sys/kernel/livepatch/klpx_bench_lpb)

fail() { echo "FAIL: $*"; exit 1; }
say() { echo "# $*"; }
ctl() { echo "$*" >/proc/klpx_bench/ctl || fail "ctl $*"; }
record() { echo "$1 $2 $3" >>"$RAW"; }

# the two variants, in an order that alternates with the round
order() { if (( $1 % 2 )); then echo "klpx builtin"; else echo "builtin klpx"; fi; }

# check WANT OLD NEW OTHER LABEL: every call answered by the WANTed version
check()
{
	local want=$1 old=$2 new=$3 other=$4
	[ "$other" = 0 ] || fail "$5: $other calls answered by neither version"
	if [ "$want" = old ]; then
		[ "$new" = 0 ] && [ "$old" = "$CALLS" ]
	else
		[ "$old" = 0 ] && [ "$new" = "$CALLS" ]
	fi || fail "$5: expected every call $want, got old=$old new=$new"
}

# calls METRIC VARIANT WANT: CALLS calls from this shell, checked, recorded
calls()
{
	local tag ps old new other
	ctl run "$CALLS"
	read -r tag ps old new other < <(grep '^run ' /proc/klpx_bench/result)
	check "$3" "$old" "$new" "$other" "$1/$2"
	record "$1" "$2" "$ps"
}

lp_on() { "$PERF" enable "$M/${MOD[$1]}.ko" "${DIR[$1]}" || fail "enable $1"; }
lp_off()
{
	"$PERF" disable "${DIR[$1]}" || fail "disable $1"
	rmmod "${MOD[$1]}" || fail "rmmod ${MOD[$1]}"
}

# wait_switched VARIANT PID: PID is in the patched universe
wait_switched()
{
	local i
	for i in $(seq 3000); do
		if [ "$1" = klpx ]; then
			grep -q "^$2	[^	]*	patched" /sys/kernel/debug/klpx/tasks && return
		else
			[ "$(cat /proc/$2/patch_state)" = 1 ] && return
		fi
		sleep 0.01
	done
	fail "$1: pid $2 never switched"
}

percall_round()
{
	local v
	calls call unpatched old
	ctl floor 1
	calls call ftrace_floor old
	ctl floor 0
	for v in $(order "$1"); do
		lp_on "$v" >/dev/null
		calls call "$v" new
		lp_off "$v" >/dev/null
	done
}

# during a transition held pending by a task asleep in klpx_bench_hold():
# this shell (switched) calls, then the holder (not switched) does
during_round()
{
	local v holder tag ps old new other
	for v in $(order "$1"); do
		( echo "hold $CALLS" >/proc/klpx_bench/ctl ) &
		holder=$!
		for _ in $(seq 1000); do
			grep -q klpx_bench_hold "/proc/$holder/stack" 2>/dev/null && break
			sleep 0.01
		done
		grep -q klpx_bench_hold "/proc/$holder/stack" || fail "holder did not sleep"
		insmod "$M/${MOD[$v]}.ko" || fail "insmod ${MOD[$v]}"
		[ "$(cat "${DIR[$v]}/transition")" = 1 ] || fail "$v: no transition held"
		wait_switched "$v" $$
		calls during_switched "$v" new
		ctl go
		wait "$holder" || fail "holder failed"
		read -r tag ps old new other < <(grep '^hold ' /proc/klpx_bench/result)
		check old "$old" "$new" "$other" "during_unswitched/$v"
		record during_unswitched "$v" "$ps"
		for _ in $(seq 6000); do
			[ "$(cat "${DIR[$v]}/transition")" = 0 ] && break
			sleep 0.01
		done
		[ "$(cat "${DIR[$v]}/transition")" = 0 ] || fail "$v: transition did not end"
		calls after "$v" new
		lp_off "$v" >/dev/null
	done
}

observe_round()
{
	local top
	lp_on klpx >/dev/null
	calls observe klpx new
	"$TOP" -b -d 3600 >/dev/null 2>&1 &
	top=$!
	for _ in $(seq 600); do
		bpftool link show 2>/dev/null | grep -q klp_func_redirect && break
		sleep 0.1
	done
	bpftool link show 2>/dev/null | grep -q klp_func_redirect || fail "klp-top did not attach"
	calls observe klpx_klp_top new
	kill -INT "$top"; wait "$top"
	lp_off klpx >/dev/null
}

# state_bytes: klpx's per-task state now (the tasks file's header)
state_bytes() { awk '$2 == "state_bytes" { print $3; exit }' /sys/kernel/debug/klpx/tasks; }

memory_sample()
{
	local holder tasks
	( echo "hold 1" >/proc/klpx_bench/ctl ) &
	holder=$!
	sleep 0.5
	insmod "$M/klpx_bench_lp.ko" || fail "insmod klpx_bench_lp"
	tasks=$(grep -vc '^#' /sys/kernel/debug/klpx/tasks)
	record mem_tasks klpx "$tasks"
	record mem_during klpx "$(state_bytes)"
	ctl go
	wait "$holder"
	for _ in $(seq 6000); do
		[ "$(cat /sys/kernel/klpx/klpx_bench_lp/transition)" = 0 ] && break
		sleep 0.01
	done
	record mem_after klpx "$(state_bytes)"
	lp_off klpx >/dev/null
}

transition_size()
{
	local size=$1 kt busy=2 ham=4 sl spawner r v ms
	kt=$(( size / 100 > 0 ? size / 100 : 1 ))
	sl=$(( size - kt - busy - ham ))
	(( sl >= 0 )) || { busy=0; ham=1; sl=$(( size - kt - ham )); }
	ctl kthreads "$kt"
	"$PERF" spawn "$sl" "$busy" "$ham" >/tmp/spawn.out &
	spawner=$!
	for _ in $(seq 6000); do grep -q ready /tmp/spawn.out && break; sleep 0.05; done
	grep -q ready /tmp/spawn.out || fail "spawn $size"
	say "$size extra tasks: $sl asleep, $busy busy, $ham hammering, $kt kthreads"
	for r in $(seq "$ROUNDS"); do
		for v in $(order "$r"); do
			ms=$("$PERF" enable "$M/${MOD[$v]}.ko" "${DIR[$v]}") || fail "enable $v"
			record "enable_$size" "$v" "$ms"
			ms=$("$PERF" disable "${DIR[$v]}") || fail "disable $v"
			record "disable_$size" "$v" "$ms"
			rmmod "${MOD[$v]}" || fail "rmmod $v"
		done
	done
	[ "$size" = "${SIZES##* }" ] && memory_sample
	kill -TERM "$spawner"; wait "$spawner"
	ctl kthreads 0
}

for c in "$PERF" "$TOP" bpftool; do
	command -v "$c" >/dev/null || fail "missing $c (run make)"
done
insmod "$R/kernel/klpx.ko" || fail "insmod klpx"
insmod "$M/klpx_bench_target.ko" || fail "insmod klpx_bench_target"
# the holders sleep uninterruptibly; no fake signals during the bench
echo 600000 >/sys/module/klpx/parameters/signal_delay_ms

say "per call: $ROUNDS rounds of $CALLS calls"
for r in $(seq "$ROUNDS"); do percall_round "$r"; done
say "per call during a transition"
for r in $(seq "$ROUNDS"); do during_round "$r"; done
say "cost of observation (klp-top attached)"
for r in $(seq "$ROUNDS"); do observe_round "$r"; done
say "transition times"
for s in $SIZES; do transition_size "$s"; done

rmmod klpx_bench_target && rmmod klpx || fail "unload"
bash "$here/report.sh" "$RAW" "$OUT/bench.json" "$CALLS" "$ROUNDS"
