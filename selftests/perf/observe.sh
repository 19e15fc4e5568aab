# SPDX-License-Identifier: GPL-2.0
#
# observe.sh - the cost of observation (sourced by bench.sh): klpx's
# per-call cost with an observer running, against without, in the same
# round.
#
# OBSERVER is the one command to change to measure another observer
# (BENCH_OBSERVER="..." BENCH_OBSERVER_NAME=... from the environment):
# klp-top when it is built (it reads klpx's call counts from sysfs and
# attaches nothing to klp_func_redirect), else a bpftrace one-liner
# counting klp_func_redirect (which puts the function on the slow path).
# The observer must see every call: klp-top's per-function "new" total
# (klpx's counts since the enable: both loops of the round), or
# bpftrace's @[1] (the loop it was attached for), must match.

OBS_OUT=/tmp/bench.observer
if [ -n "${BENCH_OBSERVER:-}" ]; then
	OBSERVER=$BENCH_OBSERVER
	OBSERVER_NAME=${BENCH_OBSERVER_NAME:-custom}
elif [ -x "$TOP" ]; then
	OBSERVER="$TOP --json -d 1"
	OBSERVER_NAME=klp-top
else
	OBSERVER="bpftrace -e 'tracepoint:klp:klp_func_redirect { @[args->to_new] = count(); }'"
	OBSERVER_NAME=bpftrace
fi

# is the observer running: klp-top has printed a snapshot, bpftrace has a
# BPF program attached to klp_func_redirect (a link, or a perf event)
observer_attached()
{
	case $OBSERVER_NAME in
	klp-top)
		grep -q '"funcs"' "$OBS_OUT" 2>/dev/null ;;
	*)
		{ bpftool link show; bpftool perf list; } 2>/dev/null | grep -q klp_func_redirect ;;
	esac
}

# the calls the observer must have counted
observer_expected()
{
	case $OBSERVER_NAME in
	klp-top) echo $((2 * CALLS)) ;;
	*) echo "$CALLS" ;;
	esac
}

# the calls to new code the observer counted, or nothing if it cannot say
observer_count()
{
	case $OBSERVER_NAME in
	klp-top)
		jq -s '[.[].funcs[]? | select(.function == "klpx_bench_fn") | .new] | max // 0' "$OBS_OUT" ;;
	bpftrace)
		awk '/^@\[1\]:/ { n += $2 } END { print n + 0 }' "$OBS_OUT" ;;
	esac
}

observe_round()
{
	local obs i seen
	lp_on klpx >/dev/null
	calls observe klpx new
	bash -c "exec $OBSERVER" >"$OBS_OUT" 2>&1 &
	obs=$!
	for i in $(seq 1200); do
		observer_attached && break
		kill -0 "$obs" 2>/dev/null || fail "$OBSERVER_NAME exited: $(tail -5 "$OBS_OUT")"
		sleep 0.1
	done
	observer_attached || fail "$OBSERVER_NAME did not start: $(tail -5 "$OBS_OUT")"
	calls observe klpx_observed new
	sleep 1.5	# one more klp-top interval: its last snapshot has every call
	kill -INT "$obs"
	wait "$obs"
	seen=$(observer_count)
	[ -z "$seen" ] || [ "$seen" = "$(observer_expected)" ] ||
		fail "$OBSERVER_NAME counted $seen of $(observer_expected) calls"
	lp_off klpx >/dev/null
}
