#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1300
# klp-top and its BPF programs on real transitions: blockers, per-function
# counts, --wait, seeding mid-transition, raw_tp fallback, refusals.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
. "$(dirname "$0")/../lib/klp-top.sh"

# Steps: klpx unloaded; klp-top -b, klp-top --wait.
# Expect: exit 2 and one line "klpx is not loaded".
case_no_klpx()
{
	local out rc
	[ -x "$TOP" ] || fail "no $TOP: build it with make"
	mod_loaded klpx && unload_mod klpx
	out=$("$TOP" -b -n 1 2>&1); rc=$?
	assert_eq 2 "$rc"
	assert_eq "klp-top: klpx is not loaded (no /sys/kernel/klpx)" "$out"
	out=$("$TOP" --wait --timeout 1 2>&1); rc=$?
	assert_eq 2 "$rc"
}
run_case "klp-top without klpx says so in one line and exits 2" case_no_klpx

# Steps: klp-top as nobody without capabilities.
# Expect: exit 2 with one line saying to run as root.
case_unprivileged()
{
	local out rc
	require_cmd setpriv
	klpx_up
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$TOP" -b -n 1 2>&1); rc=$?
	assert_eq 2 "$rc"
	assert_eq 1 "$(wc -l <<<"$out")"
	assert_contains "$out" "klp-top: not allowed to load BPF programs: run as root"
}
run_case "klp-top without privileges says so in one line and exits 2" case_unprivileged

# Steps: bpftool dumps /sys/kernel/btf/klpx.
# Expect: klpx_patch, klpx_object, klpx_func and the tracepoint's BTF type.
case_btf()
{
	local out
	require_cmd bpftool
	klpx_up
	out=$(bpftool btf dump file /sys/kernel/btf/klpx) || fail "bpftool failed"
	assert_contains "$out" "STRUCT 'klpx_patch'"
	assert_contains "$out" "STRUCT 'klpx_object'"
	assert_contains "$out" "STRUCT 'klpx_func'"
	assert_contains "$out" "'btf_trace_klp_func_redirect'"
}
run_case "bpftool dumps klpx's structs from /sys/kernel/btf/klpx" case_btf

# Steps: no transition; klp-top -b, --json -n 2, --wait.
# Expect: "no transition", 0 blockers, 2 JSON snapshots via tp_btf, --wait returns 0.
case_idle()
{
	local out
	require_cmd jq
	klpx_up
	out=$("$TOP" -b -n 1 -d 0.2) || fail "klp-top -b failed: $out"
	assert_contains "$out" "no transition"
	assert_contains "$out" "BLOCKING TASKS (0)"
	out=$("$TOP" --json -n 2 -d 0.2) || fail "klp-top --json failed: $out"
	assert_eq 2 "$(wc -l <<<"$out")"
	assert_eq false "$(tail -1 <<<"$out" | jq -r '.transition.active')"
	assert_eq tp_btf "$(tail -1 <<<"$out" | jq -r '.attach')"
	out=$("$TOP" --wait 2>&1) || fail "--wait with no transition failed: $out"
	assert_contains "$out" "not in transition"
}
run_case "klp-top runs when no transition runs (batch, json, --wait)" case_idle

# Steps: a sleeper blocks patch1 under klp-top --json; then released.
# Expect: the blocker named with reason and function, then completion, nothing dropped.
case_blocked_json()
{
	local pid
	require_cmd jq
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_in_target
	top_start -d 1
	load_lp_nowait "$M/klpx_test_patch1.ko"
	# within one interval (and the VM's slack) the blocker is named
	loop_until "tail -n 1 $TOP_OUT | jq -e '.blockers[] | select(.pid == $BLOCKER)' >/dev/null" 5 ||
		fail "no blocker $BLOCKER within an interval: $(tail -n 2 "$TOP_OUT")"
	assert_eq function_on_stack "$(last_json ".blockers[] | select(.pid == $BLOCKER) | .reason")"
	assert_eq klpx_target_wait "$(last_json ".blockers[] | select(.pid == $BLOCKER) | .function")"
	assert_eq true "$(last_json '.transition.active')"
	assert_eq klpx_test_patch1 "$(last_json '.transition.patch')"
	assert_eq patched "$(last_json '.transition.target')"
	echo 1 > /proc/klpx_target/release
	wait_transition klpx_test_patch1
	loop_until "tail -n 1 $TOP_OUT | jq -e '.transition.completed' >/dev/null" 5 ||
		fail "no completion reported: $(tail -n 1 "$TOP_OUT")"
	assert_eq 0 "$(last_json '.blockers | length')"
	assert_eq false "$(last_json '.transition.forced')"
	grep -q '"type":"transition_complete","patch":"klpx_test_patch1"' "$TOP_OUT" ||
		fail "no transition_complete event"
	top_stop
	assert_eq 0 "$(jq -s 'map(.dropped) | max' "$TOP_OUT")"
	disable_lp klpx_test_patch1
}
run_case "klp-top --json names a blocking task, its reason and function, then completion" case_blocked_json

# Steps: 3 sleepers block patch1, released (old universe); 51 calls after.
# Expect: klp-top counts old 3, new 51 for klpx_target_answer.
# K calls from the old universe (released sleepers still in the unpatched
# universe), N from the new one (after completion)
case_counts()
{
	local k=3 n=50
	require_cmd jq
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_many_in_target $k
	top_start -d 0.5
	patch1_over_blockers $n
	n=$((n + 1))
	loop_until "tail -n 1 $TOP_OUT | jq -e '.funcs[] | select(.function == \"klpx_target_answer\" and .new == $n)' >/dev/null" 10 ||
		fail "counts: $(tail -n 1 "$TOP_OUT" | jq -c .funcs)"
	assert_eq $k "$(last_json '.funcs[] | select(.function == "klpx_target_answer") | .old')"
	top_stop
	disable_lp klpx_test_patch1
}
run_case "klp-top counts a patched function's calls exactly, split new/old" case_counts

# Steps: patch1, 3 calls, patch2 on the same function, 5 calls.
# Expect: one row for the function: new 8, old 0.
# two patches stacked on one function: one row, every call counted once
case_stacked()
{
	local i
	require_cmd jq
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	top_start -d 0.5
	load_lp "$M/klpx_test_patch1.ko"
	for i in 1 2 3; do cat /proc/klpx_target/answer >/dev/null; done
	load_lp "$M/klpx_test_patch2.ko"
	for i in 1 2 3 4; do cat /proc/klpx_target/answer >/dev/null; done
	assert_eq patch2 "$(cat /proc/klpx_target/answer)"
	loop_until "tail -n 1 $TOP_OUT | jq -e '[.funcs[] | select(.function == \"klpx_target_answer\")] | length == 1 and .[0].new == 8 and .[0].old == 0' >/dev/null" 10 ||
		fail "counts: $(tail -n 1 "$TOP_OUT" | jq -c .funcs)"
	top_stop
	disable_lp klpx_test_patch2
	disable_lp klpx_test_patch1
}
run_case "klp-top adds up the calls of a function with two patches on it" case_stacked

# Steps: a sleeper blocks patch1; klp-top --wait --timeout 3, then --wait
# and, once it waits, the sleeper is released.  Expect: exit 1 naming the
# blocker, then exit 0 "transition to patched completed".
case_wait()
{
	local out rc
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_in_target
	load_lp_nowait "$M/klpx_test_patch1.ko"
	out=$("$TOP" --wait klpx_test_patch1 --timeout 3 2>&1); rc=$?
	echo "$out"
	assert_eq 1 "$rc"
	assert_contains "$out" "klp-top: timeout after 3.0s: klpx_test_patch1 still in transition to patched"
	grep -Eq "^ +$BLOCKER +sh +function_on_stack +klpx_target_wait " <<<"$out" ||
		fail "blocker $BLOCKER not printed"
	# the blocker is released once --wait waits in its poll loop (a fixed
	# 2 s was too short for klp-top to start on a busy host: it then found
	# the transition over, "not in transition")
	top_wait_release --wait klpx_test_patch1 --timeout 120
	out=$TOP_WAIT
	assert_eq 0 "$TOP_RC"
	assert_contains "$out" "klp-top: klpx_test_patch1: transition to patched completed in"
	disable_lp klpx_test_patch1
}
run_case "klp-top --wait: exit 1 with the blockers on timeout, 0 on completion" case_wait

# Steps: a task switches and a sleeper blocks patch1; then klp-top starts.
# Expect: seeded snapshot: the task patched "before_klp_top", the blocker named.
case_seeded()
{
	local sleeper
	require_cmd jq
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	sleep 1000 & sleeper=$!
	on_cleanup "kill $sleeper"
	block_in_target
	load_lp_nowait "$M/klpx_test_patch1.ko"
	loop_until "grep -Eq '^$sleeper	sleep	patched' /sys/kernel/debug/klpx/tasks" 30 ||
		fail "sleeper $sleeper did not switch"
	loop_until "grep -Eq '^$BLOCKER	sh	unpatched	function on stack	klpx_target_wait' /sys/kernel/debug/klpx/tasks" 30 ||
		fail "blocker $BLOCKER not in the tasks file: $(grep "^$BLOCKER	" /sys/kernel/debug/klpx/tasks)"
	top_out
	"$TOP" --json --tasks -n 1 -d 0.5 >"$TOP_OUT" || fail "klp-top failed: $(cat $TOP_OUT)"
	assert_eq true "$(last_json '.transition.seeded')"
	assert_eq patched "$(last_json ".tasks[] | select(.pid == $sleeper) | .universe")"
	assert_eq before_klp_top "$(last_json ".tasks[] | select(.pid == $sleeper) | .how")"
	assert_eq klpx_target_wait "$(last_json ".blockers[] | select(.pid == $BLOCKER) | .function")"
	[ "$(last_json '.transition.switched')" -ge 1 ] || fail "no switched count"
	echo 1 > /proc/klpx_target/release
	wait_transition klpx_test_patch1
	disable_lp klpx_test_patch1
}
run_case "klp-top started mid-transition shows tasks that switched before it" case_seeded

# Steps: patch1; klp-top --raw-tp; 5 calls.
# Expect: attach raw_tp, counts new 5, old 0.
case_raw_tp()
{
	local i
	require_cmd jq
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	load_lp "$M/klpx_test_patch1.ko"
	top_start --raw-tp -d 0.5
	assert_eq raw_tp "$(last_json '.attach')"
	for i in 1 2 3 4 5; do cat /proc/klpx_target/answer >/dev/null; done
	loop_until "tail -n 1 $TOP_OUT | jq -e '.funcs[] | select(.function == \"klpx_target_answer\" and .new == 5 and .old == 0)' >/dev/null" 10 ||
		fail "counts: $(tail -n 1 "$TOP_OUT" | jq -c .funcs)"
	top_stop
	disable_lp klpx_test_patch1
}
run_case "klp-top's raw_tp fallback counts the same calls" case_raw_tp

# Steps: 300 sleeping tasks; klp-top watches patch1's transition.
# Expect: >=300 tasks and switches, no drop, one event per switch.
# a transition of 300 extra sleeping tasks: every switch is an event; none
# may be lost at this rate, and the counters add up
case_many()
{
	local total sw ev
	require_cmd jq
	klpx_up
	load_mod "$M/klpx_test_target.ko"
	spawn_sleepers 300
	top_start -d 0.5
	load_lp "$M/klpx_test_patch1.ko"
	loop_until "tail -n 1 $TOP_OUT | jq -e '.transition.completed' >/dev/null" 10 ||
		fail "no completion: $(tail -n 1 "$TOP_OUT" | jq -c .transition)"
	top_stop
	total=$(last_json '.transition.tasks')
	sw=$(last_json '.transition.switched')
	ev=$(jq -s '[.[].events[] | select(.type == "task_switch")] | length' "$TOP_OUT")
	log "tasks=$total switched=$sw task_switch events=$ev"
	[ "$total" -ge 300 ] || fail "only $total tasks counted"
	[ "$sw" -ge 300 ] || fail "only $sw switches counted"
	assert_eq 0 "$(jq -s 'map(.dropped) | max' "$TOP_OUT")"
	assert_eq 0 "$(jq -s 'map(.events_not_shown) | add' "$TOP_OUT")"
	assert_eq "$sw" "$ev"
	disable_lp klpx_test_patch1
}
run_case "klp-top loses no event in a 300-task transition and its counts add up" case_many

# blocked_in_file: the pids the tasks file shows with failed checks and not
# in the target universe
blocked_in_file()
{
	awk -F '\t' '/^# patch / { to = $0; sub(/.* target /, "", to) }
		!/^#/ && $3 != to && $6 > 0 { print $1 }' $KLPX_TASKS
}

# blocker_rows TEXT: the pids of the rows under BLOCKING TASKS' column header
blocker_rows()
{
	awk '/^BLOCKING TASKS/ { b = 1; next } b && /^ +PID COMM/ { r = 1; next }
	     /^[A-Z]/ { b = r = 0 } r { print $1 }' <<<"$1"
}

# Steps: an io_uring SQPOLL ring (iou-sqp, iou-wrk threads) runs and two
# sleepers block patch1 (no signals); klp-top -b -n 1 and --json start in
# the middle of the transition (seeded from the tasks file), then again
# with klp-top started before the transition (events only).
# Expect: "BLOCKING TASKS (N)" is followed by the column header and N rows;
# --json lists N blockers; every task the tasks file shows with a failed
# check and not in the target universe is among them, and both sleepers.
case_blockers_shown()
{
	local out n rows json want pid b1 b2 up t
	require_cmd jq
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	mkdir -p "$KLPX_CASE_DIR/uring"
	"$KLPX_ROOT/selftests/progs/klpx-gauntlet" uring /proc/klpx_target/answer \
		"$KLPX_CASE_DIR/uring/log" 4 >"$KLPX_CASE_DIR/uring/out" 2>&1 &
	up=$!
	on_cleanup "kill -9 $up 2>/dev/null; wait $up 2>/dev/null; true"
	loop_until "grep -q ready $KLPX_CASE_DIR/uring/out" 30 ||
		fail "klpx-gauntlet uring did not start: $(cat "$KLPX_CASE_DIR/uring/out")"
	grep -qx "iou-sqp-$up" /proc/$up/task/*/comm || fail "no iou-sqp-$up thread"
	for t in seeded events; do
		echo 1 > /proc/klpx_target/rearm
		block_in_target; b1=$BLOCKER
		block_in_target; b2=$BLOCKER
		[ $t = events ] && top_start -d 0.5
		load_lp_nowait "$M/klpx_test_patch1.ko"
		wait_blocked $b1
		wait_blocked $b2
		[ $t = events ] && sleep 1
		want=$(blocked_in_file)
		out=$("$TOP" -b -n 1 -d 0.5) || fail "klp-top -b failed: $out"
		echo "$out"
		n=$(sed -n 's/^BLOCKING TASKS (\([0-9]*\))$/\1/p' <<<"$out")
		rows=$(blocker_rows "$out")
		[ -n "$n" ] || fail "no BLOCKING TASKS line"
		assert_eq "$n" "$(grep -c . <<<"$rows")" "$t: rows under BLOCKING TASKS ($n)"
		# the header's failed checks count the rows' (seeded or not)
		[ "$(sed -n 's/.*failed checks \([0-9]*\).*/\1/p' <<<"$out")" -ge \
		  "$(awk '/^ +PID COMM/ { r = 1; next } /^[A-Z]/ { r = 0 } r { n += $(NF - 2) } END { print n + 0 }' <<<"$out")" ] ||
			fail "$t: failed checks in the header below the rows' sum"
		json=$("$TOP" --json -n 1 -d 0.5) || fail "klp-top --json failed"
		[ "$(jq '.blockers | length' <<<"$json")" -ge 2 ] ||
			fail "$t: --json lists $(jq -c '.blockers' <<<"$json")"
		# klp-top running since before the transition: fed by events only
		if [ $t = events ]; then
			for pid in $b1 $b2; do
				last_json ".blockers[] | select(.pid == $pid) | .reason" | grep -qx function_on_stack ||
					fail "events: $pid not a blocker in $(tail -n 1 "$TOP_OUT" | jq -c .blockers)"
			done
			assert_eq false "$(last_json '.transition.seeded')"
		fi
		# blocked before klp-top ran and after: blocked all along
		want=$(comm -12 <(sort <<<"$want") <(blocked_in_file | sort))
		log "$t: tasks file blockers all along: $(echo $want)"
		for pid in $b1 $b2 $want; do
			grep -qx "$pid" <<<"$rows" || fail "$t: blocker $pid not shown: $(grep -P "^$pid\t" $KLPX_TASKS)"
		done
		echo 1 > /proc/klpx_target/release
		wait_transition klpx_test_patch1
		disable_lp klpx_test_patch1
		unload_mod klpx_test_patch1
		[ $t = events ] && top_stop
	done
}
run_case "klp-top shows every blocker it counts, with an io_uring SQPOLL ring running" case_blockers_shown

# json_sorted JQ-LIST: klp-top's JSON on stdin; true when the list of
# sort keys JQ-LIST builds (an array of arrays) is in ascending order
json_sorted() { jq -e "($1) as \$k | \$k == (\$k | sort)" >/dev/null; }

# Steps: two sleepers block patch1 under klp-top --json --tasks -p B1; while
# they block, klp-top -b -p B2 and --json -p B2,B1 -p B1; then released.
# Expect: only B1's rows and task events (switch, check, signal), the
# transition's own events and counts and the functions whole; -b shows B2
# alone; the list form both pids, each once.
case_pid()
{
	local b1 b2 out task_events
	require_cmd jq
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_in_target; b1=$BLOCKER
	block_in_target; b2=$BLOCKER
	top_start -d 0.5 --tasks -p "$b1"
	load_lp_nowait "$M/klpx_test_patch1.ko"
	wait_blocked "$b1"
	wait_blocked "$b2"
	loop_until "tail -n 1 $TOP_OUT | jq -e '.blockers[] | select(.pid == $b1)' >/dev/null" 5 ||
		fail "no blocker $b1 within an interval: $(tail -n 1 "$TOP_OUT" | jq -c .blockers)"
	assert_eq "[$b1]" "$(last_json '[.blockers[].pid] | tostring')"
	assert_eq "[$b1]" "$(last_json '[.tasks[].pid] | unique | tostring')"
	assert_eq "[$b1]" "$(last_json '.pid_filter | tostring')"
	out=$("$TOP" -b -n 1 -d 0.5 -p "$b2") || fail "klp-top -b -p failed: $out"
	echo "$out"
	assert_contains "$out" "-p: tasks $b2 only"
	assert_contains "$out" "BLOCKING TASKS (1)"
	grep -Eq "^ +$b2 +sh +function_on_stack +klpx_target_wait " <<<"$out" ||
		fail "blocker $b2 not the row shown"
	out=$("$TOP" --json -n 1 -d 0.5 -p "$b2,$b1" -p "$b1") || fail "klp-top --json -p list failed"
	assert_eq "[$b2,$b1]" "$(jq -c '.pid_filter' <<<"$out")"
	assert_eq "$(printf '%s\n' $b1 $b2 | sort -n | paste -sd,)" \
		"$(jq -r '[.blockers[].pid] | sort | map(tostring) | join(",")' <<<"$out")"
	echo 1 > /proc/klpx_target/release
	wait_transition klpx_test_patch1
	loop_until "tail -n 1 $TOP_OUT | jq -e '.transition.completed' >/dev/null" 5 ||
		fail "no completion reported: $(tail -n 1 "$TOP_OUT" | jq -c .transition)"
	top_stop
	# task events: B1's only, and B1's failed checks among them
	task_events='.[].events[] | select(.type == "task_switch" or .type == "stack_check_fail" or .type == "task_signal")'
	assert_eq "[$b1]" "$(jq -s -c "[$task_events | .pid] | unique" "$TOP_OUT")"
	[ "$(jq -s "[$task_events | select(.type == \"stack_check_fail\")] | length" "$TOP_OUT")" -ge 1 ] ||
		fail "no stack_check_fail event of $b1"
	# events about the transition carry no pid and pass -p
	assert_eq '["transition_complete","transition_start"]' \
		"$(jq -s -c '[.[].events[] | select(.patch == "klpx_test_patch1" and (.type | startswith("transition_")))] | map(.type) | unique' "$TOP_OUT")"
	assert_eq false "$(jq -s '[.[].events[] | select(.type | startswith("transition_")) | has("pid")] | any' "$TOP_OUT")"
	# the transition's counts and the functions are the whole host's
	[ "$(last_json '.transition.switched')" -gt 2 ] ||
		fail "switched counts -p's tasks only: $(last_json '.transition | tostring')"
	last_json '.funcs[].function' | grep -qx klpx_target_answer ||
		fail "functions filtered by -p: $(last_json '.funcs | tostring')"
	disable_lp klpx_test_patch1
}
run_case "klp-top -p shows one task's rows and task events, the transition whole" case_pid

# Steps: three sleepers block patch1; klp-top --json --tasks -n 1 -s pid,
# -s fails, -s comm,pid; released; 2 reads of answer and 8 of block (its
# wait); klp-top --json -n 1 -s name, -s new, -s old,new.
# Expect: blockers first, each list in its keys' order; patch1's three
# functions: name a-z; new wait (8), answer (2), kwait (0); old,new
# answer (old 3), then wait and kwait (old 0) by new.
case_sort()
{
	local out b nb funcs='[.funcs[].function | select(startswith("klpx_target_"))] | join(",")'
	require_cmd jq
	klpx_up
	no_signals
	load_mod "$M/klpx_test_target.ko"
	block_many_in_target 3
	load_lp_nowait "$M/klpx_test_patch1.ko"
	for b in "${BLOCKERS[@]}"; do wait_blocked "$b"; done
	out=$("$TOP" --json --tasks -n 1 -d 0.5 -s pid) || fail "klp-top -s pid failed"
	for b in "${BLOCKERS[@]}"; do
		jq -e ".blockers[] | select(.pid == $b)" <<<"$out" >/dev/null ||
			fail "-s pid: blocker $b missing: $(jq -c .blockers <<<"$out")"
	done
	json_sorted '[.blockers[] | [.pid]]' <<<"$out" || fail "-s pid: $(jq -c '[.blockers[].pid]' <<<"$out")"
	nb=$(jq '.blockers | length' <<<"$out")
	assert_eq "$(jq -c '[.blockers[].pid]' <<<"$out")" "$(jq -c "[.tasks[:$nb][].pid]" <<<"$out")" \
		"-s pid: blockers first in tasks"
	json_sorted ".tasks[$nb:] | map([.pid])" <<<"$out" || fail "-s pid: tasks not in pid order"
	out=$("$TOP" --json --tasks -n 1 -d 0.5 -s fails) || fail "klp-top -s fails failed"
	json_sorted '[.blockers[] | [-.fails, .pid]]' <<<"$out" ||
		fail "-s fails: $(jq -c '[.blockers[] | [.fails, .pid]]' <<<"$out")"
	out=$("$TOP" --json --tasks -n 1 -d 0.5 -s comm,pid) || fail "klp-top -s comm,pid failed"
	nb=$(jq '.blockers | length' <<<"$out")
	json_sorted '[.blockers[] | [.comm, .pid]]' <<<"$out" || fail "-s comm,pid: blockers"
	json_sorted ".tasks[$nb:] | map([.comm, .pid])" <<<"$out" ||
		fail "-s comm,pid: $(jq -c "[.tasks[$nb:][] | [.comm, .pid]]" <<<"$out")"
	[ "$(jq ".tasks[$nb:] | map(.comm) | unique | length" <<<"$out")" -gt 1 ] ||
		fail "-s comm,pid: one command only, nothing to sort"
	echo 1 > /proc/klpx_target/release
	wait "${BLOCKERS[@]}"
	wait_transition klpx_test_patch1
	# klpx_target_answer: old 3 (the released sleepers), new 2;
	# klpx_target_wait: new 8 (patch1's returns at once), old 0;
	# klpx_target_kwait (patch1 replaces it too): no call
	for _ in 1 2; do cat /proc/klpx_target/answer >/dev/null; done
	for _ in 1 2 3 4 5 6 7 8; do echo 1 > /proc/klpx_target/block; done
	out=$("$TOP" --json -n 1 -d 0.2 -s name) || fail "klp-top -s name failed"
	assert_eq 3 "$(jq '.funcs[] | select(.function == "klpx_target_answer") | .old' <<<"$out")"
	assert_eq 8 "$(jq '.funcs[] | select(.function == "klpx_target_wait") | .new' <<<"$out")"
	assert_eq 0 "$(jq '.funcs[] | select(.function == "klpx_target_kwait") | .new + .old' <<<"$out")"
	assert_eq klpx_target_answer,klpx_target_kwait,klpx_target_wait "$(jq -r "$funcs" <<<"$out")" "-s name"
	out=$("$TOP" --json -n 1 -d 0.2 -s new) || fail "klp-top -s new failed"
	assert_eq klpx_target_wait,klpx_target_answer,klpx_target_kwait "$(jq -r "$funcs" <<<"$out")" "-s new"
	out=$("$TOP" --json -n 1 -d 0.2 -s old,new) || fail "klp-top -s old,new failed"
	assert_eq klpx_target_answer,klpx_target_wait,klpx_target_kwait "$(jq -r "$funcs" <<<"$out")" "-s old,new"
	disable_lp klpx_test_patch1
}
run_case "klp-top -s orders tasks (blockers first) and functions by the keys given" case_sort

# refused 'MESSAGE' ARGS...: klp-top ARGS exits 2 with the line MESSAGE
# and the hint, before it attaches anything
refused()
{
	local want=$1 out rc; shift
	out=$("$TOP" "$@" 2>&1); rc=$?
	assert_eq 2 "$rc" "klp-top $*: exit status"
	assert_eq "$want"$'\n'"Try 'klp-top --help'." "$out" "klp-top $*"
}

# Steps: klp-top with -s bogus, -s wait,, -p abc, -p 12,x, -p -3,
# --prometheus F with -p or -s, --preflight-funcs with -s; then valid -p, -s.
# Expect: exit 2 with one line naming the bad value or the conflict (and
# "Try 'klp-top --help'"), no F written; the valid ones exit 0.
case_bad_options()
{
	local out f=$KLPX_CASE_DIR/klp.prom
	local keys="(tasks: wait, fails, pid, comm; functions: rate, total, new, old, name)"
	klpx_up
	refused "klp-top: -s: unknown sort key 'bogus' $keys" -s bogus
	refused "klp-top: -s: unknown sort key '' $keys" -s wait,
	refused "klp-top: -p takes pids (numbers, comma-separated), not 'abc'" -p abc
	refused "klp-top: -p takes pids (numbers, comma-separated), not '12,x'" -p 12,x
	refused "klp-top: -p takes pids (numbers, comma-separated), not '-3'" -p -3
	refused "klp-top: --prometheus writes the whole host's metrics: no -p or -s" \
		--prometheus "$f" -p 1
	refused "klp-top: --prometheus writes the whole host's metrics: no -p or -s" \
		--prometheus "$f" -s pid
	refused "klp-top: --preflight goes alone (it needs no core)" \
		--preflight-funcs vfs_read -s pid
	assert_missing "$f"
	out=$("$TOP" -b -n 1 -d 0.2 -p 1 -s fails,old) || fail "valid -p -s refused: $out"
	assert_contains "$out" "-p: tasks 1 only"
}
run_case "klp-top refuses a bad -s key, a bad -p pid and -p/-s with --prometheus: exit 2" case_bad_options

# Steps: klp-top's screen in a pty until it shows "BLOCKING TASKS", then "q".
# Expect: exit 0, the terminal restored (rmcup).
case_screen()
{
	klpx_up
	top_screen "BLOCKING TASKS" -d 0.5
	assert_eq 0 "$SCREEN_RC" "the screen's exit"
	assert_contains "$SCREEN_OUT" $'\e[?1049l'
}
run_case "klp-top's screen draws, quits on q and restores the terminal" case_screen

# Steps: rmmod klpx.  Expect: it unloads.
case_core_unload() { unload_mod klpx; }
run_case "the core unloads after the klp-top cases" case_core_unload
