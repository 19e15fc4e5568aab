#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
# vm-group: klp-top (the two shorter klp-top files share one VM and its warm caches)
# klp-top --core builtin: the kernel's own livepatch (CONFIG_LIVEPATCH)
# watched through its BTF, klpx not loaded: blockers with reason and
# function, --wait, exact per-function counts, --preflight; then --core
# auto with a klpx patch and a built-in patch in transition at once.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
LP=/sys/kernel/livepatch
P=klpx_test_lpb1	# klpx_target_answer and klpx_target_wait, built-in
. "$(dirname "$0")/../lib/klp-top.sh"

# no klpx: the built-in core needs none
no_klpx() { ! mod_loaded klpx || unload_mod klpx; }

# the target whose klpx_target_wait() sleeps uninterruptibly: the built-in
# core's fake signals (after 15 s) must not end the sleep a case holds
target_up() { load_mod "$M/klpx_test_target.ko" uninterruptible=1; }

# lpb_nowait: load the built-in patch, do not wait for its transition; the
# cleanup releases the sleepers, disables it and waits for it to go
lpb_nowait()
{
	load_mod "$M/$P.ko"
	on_cleanup "echo 1 > /proc/klpx_target/release 2>/dev/null; echo 0 > $LP/$P/enabled 2>/dev/null; loop_until '[ ! -e $LP/$P ]' 60"
	loop_until "[ -d $LP/$P ]" || fail "$LP/$P did not appear"
}

lpb_wait() { loop_until "_reads $LP/$P/transition 0" 60 || fail "the transition of $P did not end"; }

lpb_disable()
{
	log "% echo 0 > $LP/$P/enabled"
	echo 0 >"$LP/$P/enabled" || fail "cannot disable $P"
	loop_until "[ ! -e $LP/$P ]" 60 || fail "$LP/$P still there after disabling"
}

# Steps: klp-top --core builtin -b and --json, no patch, klpx not loaded.
# Expect: exit 0, core builtin, attach fentry, no missing probe point on 6.1.
case_idle()
{
	local out
	require_cmd jq
	no_klpx
	out=$("$TOP" --core builtin -b -n 1 -d 0.2 2>&1) || fail "klp-top -b failed: $out"
	echo "$out"
	assert_contains "$out" "core=builtin  attach=fentry"
	assert_contains "$out" "no transition"
	assert_contains "$out" "BLOCKING TASKS (0)"
	out=$("$TOP" --core builtin --json -n 1 -d 0.2 2>&1) || fail "klp-top --json failed: $out"
	assert_eq builtin "$(jq -r .core <<<"$out")"
	assert_eq "" "$(jq -r .missing_probes <<<"$out")"
	out=$("$TOP" --core builtin --wait 2>&1) || fail "--wait failed: $out"
	assert_contains "$out" "not in transition"
}
run_case "klp-top --core builtin runs without klpx and without a patch" case_idle

# Steps: a sleeper in klpx_target_wait; klp-top --core builtin --json -d 1;
# the built-in patch klpx_test_lpb1 loads; then the sleeper is released.
# Expect: within one interval the sleeper is a blocker, function_on_stack
# klpx_target_wait; --core auto picks builtin; then completion, 0 blockers.
case_blocked_json()
{
	local out
	require_cmd jq
	no_klpx
	target_up
	block_in_target
	top_start --core builtin -d 1
	lpb_nowait
	loop_until "tail -n 1 $TOP_OUT | jq -e '.blockers[] | select(.pid == $BLOCKER)' >/dev/null" 5 ||
		fail "no blocker $BLOCKER within an interval: $(tail -n 2 "$TOP_OUT")"
	tail -n 1 "$TOP_OUT" | jq -c '.transition, .blockers'
	assert_eq function_on_stack "$(last_json ".blockers[] | select(.pid == $BLOCKER) | .reason")"
	assert_eq klpx_target_wait "$(last_json ".blockers[] | select(.pid == $BLOCKER) | .function")"
	assert_eq true "$(last_json '.transition.active')"
	assert_eq $P "$(last_json '.transition.patch')"
	assert_eq patched "$(last_json '.transition.target')"
	out=$(last_line)
	[ "$(jq -r .transition.switched <<<"$out")" -lt "$(jq -r .transition.tasks <<<"$out")" ] ||
		fail "all tasks switched with a blocker: $(jq -c .transition <<<"$out")"
	out=$("$TOP" --core auto -b -n 1 -d 0.5 2>&1) || fail "--core auto failed: $out"
	echo "$out"
	assert_contains "$out" "core=builtin"
	grep -Eq "^ +$BLOCKER +sh +function_on_stack +klpx_target_wait " <<<"$out" ||
		fail "blocker $BLOCKER not in klp-top -b"
	echo 1 > /proc/klpx_target/release
	lpb_wait
	loop_until "tail -n 1 $TOP_OUT | jq -e '.transition.completed' >/dev/null" 5 ||
		fail "no completion reported: $(tail -n 1 "$TOP_OUT")"
	assert_eq 0 "$(last_json '.blockers | length')"
	grep -q '"type":"transition_complete","patch":"'$P'"' "$TOP_OUT" ||
		fail "no transition_complete event"
	grep -q '"type":"transition_start","patch":"'$P'"' "$TOP_OUT" ||
		fail "no transition_start event"
	top_stop
	assert_eq 0 "$(jq -s 'map(.dropped) | max' "$TOP_OUT")"
	lpb_disable
}
run_case "klp-top --core builtin --json names a blocking task, its reason and function, then completion" case_blocked_json

# Steps: a sleeper blocks klpx_test_lpb1; klp-top --core builtin --wait
# --timeout 3; then --wait again and, once it waits, the sleeper is released.
# Expect: exit 1 naming the blocker, then exit 0 "transition to patched completed".
case_wait()
{
	local out rc
	no_klpx
	target_up
	block_in_target
	lpb_nowait
	out=$("$TOP" --core builtin --wait $P --timeout 3 2>&1); rc=$?
	echo "$out"
	assert_eq 1 "$rc"
	assert_contains "$out" "klp-top: timeout after 3.0s: $P still in transition to patched"
	grep -Eq "^ +$BLOCKER +sh +function_on_stack +klpx_target_wait " <<<"$out" ||
		fail "blocker $BLOCKER not printed"
	top_wait_release --core builtin --wait $P --timeout 120
	out=$TOP_WAIT
	assert_eq 0 "$TOP_RC"
	assert_contains "$out" "klp-top: $P: transition to patched completed in"
	lpb_disable
}
run_case "klp-top --core builtin --wait: exit 1 with the blockers on timeout, 0 on completion" case_wait

# Steps: 3 sleepers in klpx_target_wait; klp-top --core builtin; lpb1 loads;
# once klp-top counts its functions the sleepers are released (each calls
# klpx_target_answer in the old universe); after completion 51 calls.
# Expect: klpx_target_answer new 51, old 3, exactly.
case_counts()
{
	local k=3 n=50 i pids=()
	require_cmd jq
	no_klpx
	target_up
	for i in $(seq $k); do
		block_in_target
		pids+=("$BLOCKER")
	done
	top_start --core builtin -d 0.5
	lpb_nowait
	loop_until "tail -n 1 $TOP_OUT | jq -e '.funcs[] | select(.function == \"klpx_target_answer\")' >/dev/null" 10 ||
		fail "klp-top does not count klpx_target_answer: $(tail -n 1 "$TOP_OUT" | jq -c .funcs) $(cat "$TOP_OUT.err")"
	echo 1 > /proc/klpx_target/release
	wait "${pids[@]}"
	assert_eq original "$(cat /proc/klpx_target/last)"
	lpb_wait
	for i in $(seq $n); do cat /proc/klpx_target/answer >/dev/null; done
	assert_eq builtin1 "$(cat /proc/klpx_target/answer)"
	n=$((n + 1))
	loop_until "tail -n 1 $TOP_OUT | jq -e '.funcs[] | select(.function == \"klpx_target_answer\" and .new == $n)' >/dev/null" 10 ||
		fail "counts: $(tail -n 1 "$TOP_OUT" | jq -c .funcs)"
	tail -n 1 "$TOP_OUT" | jq -c .funcs
	assert_eq $k "$(last_json '.funcs[] | select(.function == "klpx_target_answer") | .old')"
	assert_eq 0 "$(last_json '.funcs[] | select(.function == "klpx_target_wait") | .new')"
	top_stop
	lpb_disable
}
run_case "klp-top --core builtin counts a patched function's calls exactly, split new/old" case_counts

# Steps: KLP_TOP_SKIP_PROBES=klp_init_transition,klp_complete_transition (as
# on a kernel without them); a sleeper blocks lpb1; --wait --timeout 3,
# then --wait while the sleeper is released.
# Expect: one stderr line naming each missing probe point; exit 1 naming
# the blocker; exit 0 with the completion seen in sysfs.
case_degraded()
{
	local out rc skip=klp_init_transition,klp_complete_transition
	no_klpx
	target_up
	block_in_target
	lpb_nowait
	out=$(KLP_TOP_SKIP_PROBES=$skip "$TOP" --core builtin --wait $P --timeout 3 2>"$KLPX_CASE_DIR/err"); rc=$?
	echo "$out"; cat "$KLPX_CASE_DIR/err"
	assert_eq 1 "$rc"
	assert_eq 2 "$(grep -c '^klp-top: no probe point klp_\(init\|complete\)_transition in this kernel (skipped by KLP_TOP_SKIP_PROBES): no ' "$KLPX_CASE_DIR/err")"
	assert_eq 2 "$(wc -l <"$KLPX_CASE_DIR/err")"
	grep -Eq "^ +$BLOCKER +sh +function_on_stack +klpx_target_wait " <<<"$out" ||
		fail "blocker $BLOCKER not printed"
	KLP_TOP_SKIP_PROBES=$skip top_wait_release --core builtin --wait $P --timeout 120
	out=$TOP_WAIT
	assert_eq 0 "$TOP_RC"
	assert_contains "$out" "klp-top: $P: transition to patched completed in"
	lpb_disable
}
run_case "klp-top --core builtin without some probe points names each once and still waits" case_degraded

# Steps: no core loaded and no patch enabled; a sleeper in klpx_target_wait;
# klp-top --preflight on the built-in patch module (upstream API), on a klpx
# patch module, and --preflight-funcs; then the sleeper is released.
# Expect: exit 1 naming the sleeper, klpx_target_wait and its stack (the
# functions read from each module file); after the release exit 0.
case_preflight()
{
	local out rc m
	no_klpx
	target_up
	block_in_target
	for m in klpx_test_lpb1 klpx_test_patch1; do
		out=$("$TOP" --preflight "$M/$m.ko" 2>&1); rc=$?
		echo "$out"
		assert_eq 1 "$rc" "--preflight $m.ko"
		assert_contains "$out" " functions: klpx_target_answer klpx_target_wait"
		grep -Eq "^ +$BLOCKER +sh +klpx_target_wait$" <<<"$out" ||
			fail "$m: sleeper $BLOCKER not named"
		assert_contains "$out" "klpx_target_wait+0x"
		assert_contains "$out" "would block $M/$m.ko now"
	done
	out=$("$TOP" --preflight-funcs klpx_target_answer,klpx_target_wait 2>&1); rc=$?
	assert_eq 1 "$rc" "--preflight-funcs"
	grep -Eq "^ +$BLOCKER +sh +klpx_target_wait$" <<<"$out" || fail "sleeper not named: $out"
	assert_missing $LP/$P
	echo 1 > /proc/klpx_target/release
	wait $BLOCKER
	out=$("$TOP" --preflight "$M/klpx_test_lpb1.ko" 2>&1); rc=$?
	echo "$out"
	assert_eq 0 "$rc" "--preflight after the release"
	assert_contains "$out" "verdict: no task of"
	out=$("$TOP" --preflight "$M/klpx_test_target.ko" 2>&1); rc=$?
	assert_eq 2 "$rc" "--preflight on a module that is no patch"
	assert_contains "$out" "no patched function found (not a live patch module?)"
}
run_case "klp-top --preflight names the tasks a patch would wait for, before any core loads it" case_preflight

# shown_vs_counted TEXT: for each "BLOCKING TASKS (N)" of klp-top -b, a
# line when the rows under its column header are not N
shown_vs_counted()
{
	awk 'function done() { if (b && c != n) print "BLOCKING TASKS (" n ") over " c " rows"; b = r = 0 }
	     /^BLOCKING TASKS \(/ { done(); n = $3; gsub(/[()]/, "", n); b = 1; c = 0; next }
	     b && /^ +PID COMM/ { r = 1; next }
	     /^[A-Za-z]/ { done() }
	     r && NF { c++ }
	     END { done() }' <<<"$1"
}

# Steps: klpx and a built-in patch both loaded: idle; then a sleeper in
# klpx_target_wait (through block_write) holds the klpx patch patch1; then
# the built-in patch klpx_test_builtin on block_write, held by the same
# sleeper; klp-top --core auto -b, the screen, --json, --wait --timeout 3;
# then --wait while the sleeper is released.
# Expect: idle, both cores shown; with only klpx in transition, only klpx;
# with both, both, each naming the sleeper with its own function; --wait
# exits 1 naming each core's patch and blocker, then 0 with both completions.
case_auto_both()
{
	local out rc B=klpx_test_builtin
	require_cmd jq
	require_cmd script
	klpx_up
	no_signals
	target_up
	out=$("$TOP" --core auto -b -n 1 -d 0.5 2>&1) || fail "--core auto failed: $out"
	echo "$out"
	assert_contains "$out" "core=klpx "
	assert_contains "$out" "core=builtin "
	out=$("$TOP" --core auto --json -n 1 -d 0.5 2>&1) || fail "--core auto --json failed: $out"
	assert_eq auto "$(jq -r .core <<<"$out")"
	assert_eq "klpx builtin" "$(jq -r '[.cores[].core] | join(" ")' <<<"$out")"
	block_in_target
	load_lp_nowait "$M/klpx_test_patch1.ko"
	wait_blocked $BLOCKER
	out=$("$TOP" --core auto -b -n 1 -d 0.5 2>&1) || fail "--core auto failed: $out"
	echo "$out"
	assert_contains "$out" "core=klpx "
	[[ $out != *core=builtin* ]] || fail "--core auto shows the built-in core with only klpx in transition"
	load_mod "$M/$B.ko" func=block_write
	on_cleanup "echo 1 2>/dev/null > /proc/klpx_target/release; echo 0 2>/dev/null > $LP/$B/enabled; loop_until '[ ! -e $LP/$B ]' 60"
	sleep 1
	assert_eq 1 "$(cat $LP/$B/transition)" "the built-in patch on block_write held by the sleeper"
	out=$("$TOP" --core auto -b -n 1 -d 1 2>&1) || fail "--core auto failed: $out"
	echo "$out"
	assert_contains "$out" "TRANSITION klpx_test_patch1 -> patched"
	assert_contains "$out" "TRANSITION $B -> patched"
	grep -Eq "^ +$BLOCKER +sh +function_on_stack +klpx_target_wait " <<<"$out" ||
		fail "klpx's blocker $BLOCKER not shown"
	grep -Eq "^ +$BLOCKER +sh +function_on_stack +block_write " <<<"$out" ||
		fail "the built-in core's blocker $BLOCKER not shown"
	assert_eq "" "$(shown_vs_counted "$out")" "each core's blockers counted and shown"
	assert_eq 2 "$(grep -c '^BLOCKING TASKS (1)$' <<<"$out")"
	# the screen (80x24 in a pty that has no size): both cores' blockers
	top_screen "^ +$BLOCKER +sh +function_on_stack +block_write " --core auto -d 0.5
	assert_eq 0 "$SCREEN_RC" "the screen's exit"
	assert_contains "$SCREEN_OUT" "core=klpx "
	assert_contains "$SCREEN_OUT" "core=builtin "
	out=$("$TOP" --core auto --json -n 1 -d 1 2>&1) || fail "--core auto --json failed: $out"
	jq -c '.cores[] | {core, patch: .transition.patch, blockers: [.blockers[] | {pid, reason, function}]}' <<<"$out"
	assert_eq klpx_target_wait "$(jq -r ".cores[] | select(.core == \"klpx\") | .blockers[] | select(.pid == $BLOCKER) | .function" <<<"$out")"
	assert_eq block_write "$(jq -r ".cores[] | select(.core == \"builtin\") | .blockers[] | select(.pid == $BLOCKER) | .function" <<<"$out")"
	assert_eq $B "$(jq -r '.cores[] | select(.core == "builtin") | .transition.patch' <<<"$out")"
	out=$("$TOP" --core auto --wait --timeout 3 2>&1); rc=$?
	echo "$out"
	assert_eq 1 "$rc"
	assert_contains "$out" "klp-top: timeout after 3.0s: klpx_test_patch1 still in transition to patched (core klpx)"
	assert_contains "$out" "klp-top: timeout after 3.0s: $B still in transition to patched (core builtin)"
	assert_eq 2 "$(grep -Ec "^ +$BLOCKER +sh +function_on_stack +(klpx_target_wait|block_write) " <<<"$out")"
	top_wait_release --core auto --wait --timeout 120
	out=$TOP_WAIT
	assert_eq 0 "$TOP_RC"
	assert_contains "$out" "klp-top: klpx_test_patch1: transition to patched completed in"
	# begun before this klp-top: the built-in's duration is a lower bound
	assert_contains "$out" "klp-top: $B: transition to patched completed in >="
	assert_contains "$out" "(core builtin)"
	echo 0 > "$LP/$B/enabled"
	loop_until "[ ! -e $LP/$B ]" 60 || fail "$LP/$B still there after disabling"
	disable_lp klpx_test_patch1
}
run_case "klp-top --core auto watches klpx and the built-in livepatch at once" case_auto_both

# Steps: rmmod klpx.  Expect: it unloads.
case_core_unload() { unload_mod klpx; }
run_case "the core unloads after the --core auto case" case_core_unload
