# SPDX-License-Identifier: GPL-2.0
#
# percall.sh - per-call cost of a redirected function (sourced by
# bench.sh).  klpx_bench_fn() is called CALLS times in a kernel loop timed
# with ktime (klpx_bench_target.c); the original answers 1, every patch 2,
# and each loop counts the answers: one call answered by the wrong version
# fails the bench.

# percall_round R: unpatched, the ftrace floor, then both variants after
# their transition completed
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

# during_round R: a transition held pending by a task asleep in the patched
# klpx_bench_hold().  The measuring task matters: this shell, once its
# universe is the patched one (klpx's tasks file, the built-in's
# /proc/PID/patch_state), makes CALLS calls that must all answer new; then
# the holder, woken, makes CALLS calls from inside klpx_bench_hold(), where
# it cannot switch, and they must all answer old.  Then "after": this
# shell again, once the transition completed.
during_round()
{
	local v
	for v in $(order "$1"); do
		hold_start "$CALLS"
		insmod "$M/${MOD[$v]}.ko" || fail "insmod ${MOD[$v]}"
		[ "$(cat "${DIR[$v]}/transition")" = 1 ] || fail "$v: no transition held"
		wait_switched "$v" $$
		calls during_switched "$v" new
		ctl go
		wait "$HOLDER" || fail "holder failed"
		result hold during_unswitched "$v" old
		wait_transition_end "$v"
		calls after "$v" new
		lp_off "$v" >/dev/null
	done
}
