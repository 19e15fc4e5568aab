# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - what the bench's sections share (sourced by bench.sh): the two
# variants, the bench target's control file, timed calls with their
# answers checked, patches in and out, raw samples.
#
# Variants: "klpx" is klpx_bench_lp.ko (the patch built against klpx's
# compat.h), "builtin" is klpx_bench_lpb.ko (the same source built against
# <linux/livepatch.h>).  They patch the same functions, which only one
# IPMODIFY user may hook at a time: a variant is fully out (for klpx: its
# hooks released, not just its patch gone) before the other comes in.

declare -A MOD=([klpx]=klpx_bench_lp [builtin]=klpx_bench_lpb)
declare -A DIR=([klpx]=/sys/kernel/klpx/klpx_bench_lp
		[builtin]=/sys/kernel/livepatch/klpx_bench_lpb)
KLPX_HOOKS=/sys/kernel/debug/klpx/hooks
# the bench target's functions, as the hooks file names them
HOOK_PREFIX=klpx_bench_

# fail MSG: the bench stops (stderr: also seen from inside $(...))
fail() { echo "FAIL: $*" >&2; exit 1; }
say() { echo "# $*"; }
ctl() { echo "$*" >/proc/klpx_bench/ctl || fail "ctl $*"; }
# record METRIC VARIANT VALUE: one raw sample for report.sh
record() { echo "$1 $2 $3" >>"$RAW"; }

# the two variants, in an order that alternates with the round
order() { if (( $1 % 2 )); then echo "klpx builtin"; else echo "builtin klpx"; fi; }

# check WANT OLD NEW OTHER N LABEL: all N calls answered by the WANTed version
check()
{
	local want=$1 old=$2 new=$3 other=$4 n=$5
	[ "$other" = 0 ] || fail "$6: $other calls answered by neither version"
	if [ "$want" = old ]; then
		[ "$new" = 0 ] && [ "$old" = "$n" ]
	else
		[ "$old" = 0 ] && [ "$new" = "$n" ]
	fi || fail "$6: expected all $n calls $want, got old=$old new=$new"
}

# result run|hold METRIC VARIANT WANT: the last loop of that kind checked
# and recorded: its median over chunks as METRIC, its mean as mean_METRIC
result()
{
	local tag ps old new other mean
	read -r tag ps old new other mean < <(grep "^$1 " /proc/klpx_bench/result)
	check "$4" "$old" "$new" "$other" "$CALLS" "$2/$3"
	record "$2" "$3" "$ps"
	record "mean_$2" "$3" "$mean"
}

# calls METRIC VARIANT WANT: CALLS calls from this shell, checked, recorded
calls()
{
	ctl run "$CALLS"
	result run "$@"
}

# lp_on VARIANT: enabled, transition complete; prints the ms it took
lp_on() { "$PERF" enable "$M/${MOD[$1]}.ko" "${DIR[$1]}" || fail "enable $1"; }

# lp_off VARIANT: disabled, module gone, klpx's hooks released; prints the
# ms until the patch was gone and, for klpx, until its hooks were
lp_off()
{
	local hooks=()
	[ "$1" = klpx ] && hooks=("$KLPX_HOOKS" "$HOOK_PREFIX")
	"$PERF" disable "${DIR[$1]}" "${hooks[@]}" || fail "disable $1"
	rmmod "${MOD[$1]}" || fail "rmmod ${MOD[$1]}"
}

# wait_transition_end VARIANT: its transition reads 0 (bounded: 60 s)
wait_transition_end()
{
	local i
	for i in $(seq 6000); do
		[ "$(cat "${DIR[$1]}/transition")" = 0 ] && return
		sleep 0.01
	done
	fail "$1: transition did not end"
}

# wait_switched VARIANT PID: PID is in the patched universe
wait_switched()
{
	local i
	for i in $(seq 3000); do
		if [ "$1" = klpx ]; then
			grep -q "^$2	[^	]*	patched" /sys/kernel/debug/klpx/tasks && return
		else
			[ "$(cat "/proc/$2/patch_state")" = 1 ] && return
		fi
		sleep 0.01
	done
	fail "$1: pid $2 never switched"
}

# hold_start N: a task asleep in klpx_bench_hold() that will make N calls
# from inside it after "go"; sets HOLDER to its pid
hold_start()
{
	local i
	( echo "hold $1" >/proc/klpx_bench/ctl ) &
	HOLDER=$!
	for i in $(seq 1000); do
		grep -q klpx_bench_hold "/proc/$HOLDER/stack" 2>/dev/null && return
		sleep 0.01
	done
	fail "holder did not sleep in klpx_bench_hold"
}
