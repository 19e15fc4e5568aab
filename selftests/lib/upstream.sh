# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# upstream.sh - the kernel's own livepatch selftests (Debian's
# linux-source-6.1: tools/testing/selftests/livepatch/test-*.sh with the
# lib/livepatch/ test modules), one TAP line per upstream case (each
# start_test), for one variant; sourced by the case files
# 60-upstream-builtin.sh and 61-upstream-klpx.sh (one VM each, so that the
# two halves run side by side):
#   builtin   reference: unchanged modules and scripts, the kernel's
#             built-in livepatch, klpx not loaded
#   klpx      the modules built with <klpx/compat.h>, the scripts mapped to
#             klpx (docs/patch-author.md, "Upstream's selftests through
#             compat.h"), klpx loaded with signal_delay_ms=15000 (upstream's
#             SIGNALS_TIMEOUT)
# A case passes only if its script exits 0 having printed upstream's
# "TEST: <name> ... ok", which check_result prints after the kernel log
# matched the expected transcript.  Upstream's skip (exit 4) is a failure.
# Built by selftests/upstream/prepare.sh (make) into build/upstream/.
# KLPX_UP_ONLY="NN ..." runs only those cases (numbers of cases.list).
# Each case's whole output is kept in the VM's run directory
# (~/.cache/klpx/runs/<time>/<file>/upstream/<variant>-NN.out).
#
#   upstream_cases VARIANT

UP=$KLPX_ROOT/build/upstream
LP_MODS='test_klp_atomic_replace test_klp_callbacks_demo test_klp_callbacks_demo2
	test_klp_livepatch test_klp_state test_klp_state2 test_klp_state3'
OTHER_MODS='test_klp_shadow_vars test_klp_callbacks_busy test_klp_callbacks_mod'

# up_sysfs VARIANT
up_sysfs()
{
	if [ "$1" = klpx ]; then echo "$KLPX_SYSFS"; else echo /sys/kernel/livepatch; fi
}

# up_leftovers VARIANT: after a failed upstream case, disable its patches
# and unload its modules so the next case starts clean.
up_leftovers()
{
	local sys m
	sys=$(up_sysfs "$1")
	for m in $LP_MODS; do
		[ -e "$sys/$m/enabled" ] || continue
		log "% echo 0 > $sys/$m/enabled (cleanup)"
		echo 0 >"$sys/$m/enabled" 2>/dev/null
		loop_until "[ ! -e $sys/$m ]" 60 || echo "cleanup: $sys/$m stays" >&2
	done
	for m in $LP_MODS $OTHER_MODS; do
		mod_loaded "$m" || continue
		log "% rmmod $m (cleanup)"
		loop_until "\"$RMMOD\" $m 2>/dev/null" 30 || echo "cleanup: cannot unload $m" >&2
	done
}

# case_upstream VARIANT NN FILE NAME
case_upstream()
{
	local v=$1 n=$2 file=$3 name=$4 out rc m
	require_cmd modprobe modinfo depmod sysctl comm diff
	if [ "$v" = klpx ]; then
		# upstream sends fake signals after SIGNALS_TIMEOUT (15 s),
		# klpx after signal_delay_ms (default 2 s): a mapping; and
		# test-ftrace.sh switches ftrace off with no patch loaded,
		# which klpx allows with hold_anchor=0
		if mod_loaded klpx; then
			set_param signal_delay_ms 15000
			set_param hold_anchor 0
		else
			"$INSMOD" "$KLPX_MOD" signal_delay_ms=15000 hold_anchor=0 ||
				fail "insmod klpx failed"
		fi
	elif mod_loaded klpx; then
		# the reference runs without klpx (its hooks hold ftrace)
		"$RMMOD" klpx || fail "cannot unload klpx for the built-in reference"
	fi
	on_cleanup "up_leftovers $v"
	# upstream's pop_config restores kernel/livepatch's dynamic debug, not
	# the "module klpx +p" the mapping turned on: later files want it off
	[ "$v" != klpx ] ||
		on_cleanup "echo 'module klpx -p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null; true"
	out=$KLPX_CASE_DIR/upstream.out
	KLPX_UP_MODROOT=$UP/$v/root bash "$UP/$v/tests/case-$n.sh" >"$out" 2>&1
	rc=$?
	cat "$out"
	# the whole output, for the VM's run directory (TAP keeps the last lines)
	if [ -n "${KLPX_RESULTS:-}" ] && [ -d "$KLPX_RESULTS" ] && [ -w "$KLPX_RESULTS" ]; then
		mkdir -p "$KLPX_RESULTS/upstream"
		cp "$out" "$KLPX_RESULTS/upstream/$v-$n.out"
	fi
	if [ "$rc" != 0 ] && ! grep -q '^+++ result' "$out"; then
		# what upstream's die() cut short: the case's kernel log
		echo "--- kernel log of the case (klpx:, livepatch:, test_klp lines):"
		dmesg_since_mark | grep -e 'klpx:' -e 'livepatch:' -e 'test_klp' |
			grep -v '\(tainting\|taints\) kernel' | tail -n 40
	fi
	[ "$rc" != 4 ] || fail "upstream $file skipped the case (a skip is not a pass)"
	[ "$rc" = 0 ] || fail "upstream $file exited with status $rc"
	grep -qxF "TEST: $name ... ok" "$out" ||
		fail "no 'TEST: $name ... ok' line: the transcript was not compared"
	for m in $LP_MODS $OTHER_MODS; do
		! mod_loaded "$m" || fail "the case passed but left module $m loaded"
	done
}

# case_not_built: prepare.sh's output is missing
case_not_built()
{
	fail "no $UP/$1/cases.list: run make (selftests/upstream/prepare.sh)"
}

upstream_cases()
{
	local v=$1 n file name
	if [ ! -f "$UP/$v/cases.list" ]; then
		run_case "upstream/$v: test modules and scripts are built" case_not_built "$v"
		return
	fi
	while IFS=$'\t' read -r n file name; do
		[ -z "${KLPX_UP_ONLY:-}" ] || [[ " $KLPX_UP_ONLY " = *" $n "* ]] || continue
		run_case "upstream/$v $file: $name" case_upstream "$v" "$n" "$file" "$name"
	done <"$UP/$v/cases.list"
	# leave klpx unloaded, as the file found it or not: later files load it
	if mod_loaded klpx && [ -z "$(ls -A "$KLPX_SYSFS" 2>/dev/null)" ]; then
		"$RMMOD" klpx 2>/dev/null || true
	fi
}
