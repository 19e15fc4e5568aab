# SPDX-License-Identifier: GPL-2.0
#
# many.sh - enable and disable of a patch of many functions (sourced by
# bench.sh): klpx_bench_fN_lp.ko / klpx_bench_fN_lpb.ko, the same source
# (selftests/modules/klpx_bench_many_patch.h) built for klpx and for the
# built-in, patch N of klpx_bench_target's klpx_bench_mNN() (N = 10, 100).
# No extra tasks: what grows with N is the per-function work (the func's
# setup and its ftrace hook), not the walk.
#
# Recorded per N, as enable_fN etc.: enable (finit_module() until
# "transition" reads 0), split by the kernel log into setup (module load,
# init, hooks: until the transition starts) and transition (phases() in
# transition.sh); disable, and for klpx released (its hooks gone).  Before
# and after each enable, "many N" calls the N functions once: every
# answer must be the version the step demands.

MANY_SIZES=${BENCH_MANY_SIZES:-10 100}

# many_check N WANT LABEL: the N functions answer WANT (old or new)
many_check()
{
	local tag ps old new other mean
	ctl many "$1"
	read -r tag ps old new other mean < <(grep "^run " /proc/klpx_bench/result)
	check "$2" "$old" "$new" "$other" "$1" "$3"
}

# many_round R N: enable + disable of each variant of the N-function patch
many_round()
{
	local n=$2 v mod dir ms out gone rel setup trans hooks
	for v in $(order "$1"); do
		if [ "$v" = klpx ]; then
			mod=klpx_bench_f${n}_lp dir=/sys/kernel/klpx/klpx_bench_f${n}_lp
			hooks=("$KLPX_HOOKS" klpx_bench_m)
		else
			mod=klpx_bench_f${n}_lpb dir=/sys/kernel/livepatch/klpx_bench_f${n}_lpb
			hooks=()
		fi
		many_check "$n" old "f$n/$v before"
		ms=$("$PERF" enable "$M/$mod.ko" "$dir") || fail "enable $mod"
		record "enable_f$n" "$v" "$ms"
		read -r setup trans < <(phases "$mod")
		[ -z "$trans" ] || { record "setup_f$n" "$v" "$setup"; record "trans_f$n" "$v" "$trans"; }
		many_check "$n" new "f$n/$v enabled"
		out=$("$PERF" disable "$dir" "${hooks[@]}") || fail "disable $mod"
		rmmod "$mod" || fail "rmmod $mod"
		read -r gone rel <<<"$out"
		record "disable_f$n" "$v" "$gone"
		[ -z "$rel" ] || record "released_f$n" "$v" "$rel"
	done
	many_check "$n" old "f$n after"
}
