# SPDX-License-Identifier: GPL-2.0
#
# transition.sh - transition time under load, and klpx's per-task state
# (sourced by bench.sh).
#
# The load for SIZE extra tasks (klpx-perf spawn, klpx_bench_target's
# kthreads): SIZE/100 kthreads asleep, 2 threads spinning in user space,
# 4 threads reading /proc/klpx_bench/sys without pause (klpx_bench_sys()
# is patched: they are on a patched path, and each of their answers must
# be one a version gives), the rest asleep in pause().
#
# The saturated shape (sat_size), for SIZE extra tasks: SIZE/100 threads
# spinning in user space, SIZE/100 threads reading /proc/klpx_bench/sys
# without pause, SIZE/100 kthreads calling klpx_bench_fn() (patched) every
# 100 ms, the rest in nanosleep(1 s) loops (they wake every second); the
# bench's shell, and so the enabling and disabling klpx-perf, runs at
# SCHED_FIFO priority BENCH_SAT_PRIO (50), as an operator's tool would.
# Every answer of a hammer and of a calling kthread must be one a version
# gives.
#
# enable: finit_module() of the patch until "transition" reads 0; with
# "setup" and "transition", its phases by the kernel log (phases()).
# disable: 0 to "enabled" until the patch's directory is gone; for klpx
# also "released", until its hooks are released (it does that in the
# background: the function is free for another IPMODIFY user only then).

SPAWN_OUT=/tmp/bench.spawn
SPAWNER=

SAT_PRIO=${BENCH_SAT_PRIO:-50}

# spawn SLEEPERS BUSY HAMMERS [nanosleep]: klpx-perf spawn's threads are up
# (at SCHED_OTHER, whatever this shell runs at)
spawn()
{
	local i
	chrt -o 0 "$PERF" spawn "$@" >"$SPAWN_OUT" &
	SPAWNER=$!
	for i in $(seq 6000); do
		grep -q ready "$SPAWN_OUT" && return
		sleep 0.05
	done
	fail "spawn $*"
}

# load_start SIZE: the load is up
load_start()
{
	local size=$1 kt busy=2 ham=4 sl
	kt=$(( size / 100 > 0 ? size / 100 : 1 ))
	sl=$(( size - kt - busy - ham ))
	(( sl >= 0 )) || { busy=0; ham=1; sl=$(( size - kt - ham )); }
	(( sl >= 0 )) || sl=0
	ctl kthreads "$kt"
	spawn "$sl" "$busy" "$ham"
	say "$size extra tasks: $sl asleep, $busy busy, $ham hammering, $kt kthreads"
}

# sat_load_start SIZE: the saturated load is up
sat_load_start()
{
	local size=$1 one sl
	one=$(( size / 100 > 0 ? size / 100 : 1 ))
	sl=$(( size - 3 * one ))
	(( sl >= 0 )) || sl=0
	ctl kthreads_calling "$one"
	spawn "$sl" "$one" "$one" nanosleep
	say "$size extra tasks, saturated: $sl in nanosleep(1 s), $one busy, $one hammering, $one kthreads calling every 100 ms"
}

# load_stop: the load is gone; a wrong answer of a hammer or of a calling
# kthread fails the bench
load_stop()
{
	local tag calls old new other
	[ -n "$SPAWNER" ] || return 0
	kill -TERM "$SPAWNER"
	wait "$SPAWNER" || fail "a hammering thread read an answer no version gives: $(cat "$SPAWN_OUT")"
	SPAWNER=
	say "$(grep hammered "$SPAWN_OUT")"
	read -r tag calls old new other < <(grep "^kt " /proc/klpx_bench/result)
	[ "${other:-x}" = 0 ] || fail "calling kthreads: $other answers no version gives"
	(( calls == 0 )) || say "kthreads called $calls times: $old old, $new new"
	ctl kthreads 0
}

# phases MOD: the last enable of MOD split by the kernel log's clock, as
# "SETUP_MS TRANSITION_MS": from klpx-perf's mark to the transition's
# start (module load, the patch's init, its ftrace hooks), then to the
# core's "patching complete".  The start is the line each core prints just
# before it starts the transition, after its hooks: "starting patching
# transition" (both print "enabling patch" before their hooks; an older
# klpx printed only that, after them, hence the fallback).  Nothing if a
# line is missing.
phases()
{
	dmesg | awk -v mark="klpx-perf: enable $M/$1.ko" -v q="'$1'" '
		{ t = substr($0, 2, index($0, "]") - 2) + 0 }
		index($0, mark) { m = t; s = c = "" }
		m == "" || !index($0, q) { next }
		/enabling patch/ && s == "" { s = t }
		/starting patching transition/ { s = t }
		/ patching complete/ { c = t }
		END { if (s != "" && c != "") printf "%.1f %.1f\n", (s - m) * 1000, (c - s) * 1000 }'
}

# state_bytes: klpx's per-task state now (the tasks file's header)
state_bytes() { awk '$2 == "state_bytes" { print $3; exit }' /sys/kernel/debug/klpx/tasks; }

# memory_sample: klpx's per-task state during a transition held pending
# (under the current load) and after it
memory_sample()
{
	local tasks
	hold_start 1
	insmod "$M/klpx_bench_lp.ko" || fail "insmod klpx_bench_lp"
	tasks=$(grep -vc '^#' /sys/kernel/debug/klpx/tasks)
	record mem_tasks klpx "$tasks"
	record mem_during klpx "$(state_bytes)"
	ctl go
	wait "$HOLDER" || fail "holder failed"
	wait_transition_end klpx
	record mem_after klpx "$(state_bytes)"
	lp_off klpx >/dev/null
}

# transition_rounds NAME ROUNDS: ROUNDS rounds of enable + disable of each
# variant under the load that is up, recorded as enable_NAME etc.
transition_rounds()
{
	local name=$1 r v ms out gone rel setup trans
	for r in $(seq "$2"); do
		for v in $(order "$r"); do
			ms=$(lp_on "$v") || exit 1
			record "enable_$name" "$v" "$ms"
			read -r setup trans < <(phases "${MOD[$v]}")
			[ -z "$trans" ] || { record "setup_$name" "$v" "$setup"; record "trans_$name" "$v" "$trans"; }
			out=$(lp_off "$v") || exit 1
			read -r gone rel <<<"$out"
			record "disable_$name" "$v" "$gone"
			[ -z "$rel" ] || record "released_$name" "$v" "$rel"
		done
	done
}

# transition_size SIZE [MEMORY]: ROUNDS rounds of enable + disable of each
# variant under the load; with MEMORY, then klpx's memory sample
transition_size()
{
	load_start "$1"
	transition_rounds "$1" "$ROUNDS"
	[ -z "${2:-}" ] || memory_sample
	load_stop
}

# sat_size SIZE: SAT_ROUNDS rounds of enable + disable of each variant
# under the saturated load, this shell (and so klpx-perf, insmod, rmmod)
# at SCHED_FIFO SAT_PRIO, recorded as enable_sat_SIZE etc.
sat_size()
{
	sat_load_start "$1"
	chrt -f -p "$SAT_PRIO" $$ || fail "chrt -f $SAT_PRIO"
	transition_rounds "sat_$1" "$SAT_ROUNDS"
	chrt -o -p 0 $$ || fail "chrt -o"
	load_stop
}
