#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1800
#
# The real-workload gauntlet (issue 13): transitions of a patch on a
# function the workload calls (klpx_target_answer(), read through
# /proc/klpx_target/answer), while the VM holds the tasks a real host has.
# The first case starts them and they live until the last one:
#
#   zombie    a zombie whose parent never reaps it (until teardown)
#   uring     an io_uring SQPOLL ring (iou-sqp-N) and io-wq workers
#             (iou-wrk-N): 4 asleep in blocking opens of a FIFO (a pipe
#             read would arm a poll, not hold a worker), others reading the
#             patched function's file
#   exec      a thread that is not the leader execs, in a loop (de_thread
#             gives it the leader's pid), reading the answer either side
#   stopped   a SIGSTOPped shell reader (its exited `sleep` child a zombie too)
#             and a ptrace-stopped process
#   frozen    a reader in a frozen cgroup v2 group
#   vfork     a parent blocked in vfork while its child sleeps
#   pidmax    pid_max raised; a reader, its children and sleepers with
#             pids above the old pid_max
#   plain     a reader (the control)
# and, per transition case: cpu1 offline (its per-cpu kthreads parked), or
# cpu1 taken offline and back while a transition is held by a sleeper.
#
# The transition cases run for klpx (klpx_test_patch1/replace); make soak
# runs them for the kernel's built-in livepatch first (the reference:
# klpx_test_lpb1/lpb2), in the same boot, on the same tasks, to tell a
# workload the built-in cannot get through either from a klpx fault.
# Every transition must complete without force within $WAIT s; every
# single-task reader's answers follow the order of the versions (a task's
# answer changes at most once per transition, never back); once a
# transition completed, every running reader - the io-wq workers and the
# exec'ing threads too - answers the new version, and so does a stopped or
# frozen reader once continued or thawed;
# the patch modules unload; the kernel log stays clean.  A case that fails
# forces its patch away (recover) so that the next ones can run.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
G=$KLPX_ROOT/selftests/progs/klpx-gauntlet
A=/proc/klpx_target/answer
TASKS=$KLPX_TASKS
CPU1=/sys/devices/system/cpu/cpu1/online
WAIT=${GAUNTLET_WAIT:-90}	# bound on one transition, seconds (TCG)

# use_core builtin|klpx: the patches, their sysfs and their answers
use_core()
{
	CORE=$1
	case $1 in
	builtin) DIR=/sys/kernel/livepatch; P1=klpx_test_lpb1; P2=klpx_test_lpb2
		 V1=builtin1; V2=builtin2 ;;
	klpx)	 DIR=$KLPX_SYSFS; P1=klpx_test_patch1; P2=klpx_test_replace
		 V1=patch1; V2=replace ;;
	esac
}

lines() { wc -l <"$1" 2>/dev/null || echo 0; }
now() { date +%s%N; }
secs() { awk -v d="$(( $(now) - $1 ))" 'BEGIN { printf "%.2f", d / 1e9 }'; }

# diag: who holds the transition (for the failure message)
diag()
{
	echo "--- $CORE: patches"
	grep -H . "$DIR"/*/enabled "$DIR"/*/transition 2>/dev/null
	if [ "$CORE" = klpx ]; then
		echo "--- $TASKS (tasks not in the target universe first)"
		awk -F '\t' '/^# patch / { to = $0; sub(/.* target /, "", to) }
			/^#/ || $3 != to' "$TASKS" 2>/dev/null | head -n 30
	else
		echo "--- /proc/*/task/*/patch_state: counts, then the tasks of the rarer states"
		for t in /proc/[0-9]*/task/[0-9]*; do
			echo "$(cat "$t/patch_state" 2>/dev/null) ${t#/proc/} $(cat "$t/comm" 2>/dev/null) $(cat "$t/wchan" 2>/dev/null)"
		done >"$KLPX_CASE_DIR/ps"
		awk '{ print $1 }' "$KLPX_CASE_DIR/ps" | sort | uniq -c
		awk '{ n[$1]++; l[$1] = l[$1] $0 "\n" } END { m = 0; for (s in n) if (n[s] > m) { m = n[s]; big = s }
			for (s in n) if (s != big) printf "%s", l[s] }' "$KLPX_CASE_DIR/ps" | head -n 20
	fi
	echo "--- tasks of the gauntlet"
	ps -eLo pid,tid,stat,wchan:24,comm 2>/dev/null |
		grep -E 'klpx-gauntlet|iou-|perl|sh$|sleep$' | grep -v ' S .* sleep$' | head -n 25
}

# tr_wait NAME WHAT: the transition of NAME is over (transition reads 0)
tr_wait()
{
	local t0
	t0=$(now)
	loop_until "grep -qx 0 $DIR/$1/transition 2>/dev/null" "$WAIT" ||
		{ diag; fail "$CORE: $2 of $1 did not complete in ${WAIT}s without force"; }
	log "$CORE: $2 of $1 completed in $(secs "$t0") s"
}

# gone_wait NAME WHAT: the patch NAME is gone from sysfs
gone_wait()
{
	local t0
	t0=$(now)
	loop_until "[ ! -e $DIR/$1 ]" "$WAIT" ||
		{ diag; fail "$CORE: $2 of $1 did not complete in ${WAIT}s without force"; }
	log "$CORE: $2 of $1 completed in $(secs "$t0") s"
}

lp_load()	# NAME: load, do not wait for the transition
{
	if [ "$CORE" = klpx ]; then
		load_lp_nowait "$M/$1.ko"
	else
		load_mod "$M/$1.ko"
		loop_until "[ -d $DIR/$1 ]" || fail "$DIR/$1 did not appear"
	fi
}

lp_disable()	# NAME
{
	log "% echo 0 > $DIR/$1/enabled"
	echo 0 >"$DIR/$1/enabled" || fail "cannot write 0 to $DIR/$1/enabled"
}

# recover: after a failure, make sure no patch is left (force if it must:
# the case has failed already), so the next cases can run
recover()
{
	local n
	for n in $P2 $P1; do
		[ -e "$DIR/$n" ] || continue
		echo "recover: $n still there (enabled $(cat "$DIR/$n/enabled") transition $(cat "$DIR/$n/transition"))"
		if grep -qx 1 "$DIR/$n/transition" 2>/dev/null; then
			log "recover: force $n"; echo 1 >"$DIR/$n/force"
		fi
		grep -qx 1 "$DIR/$n/enabled" 2>/dev/null && echo 0 >"$DIR/$n/enabled"
		loop_until "[ ! -e $DIR/$n ] || grep -qx 0 $DIR/$n/transition" 30
		if grep -qx 1 "$DIR/$n/transition" 2>/dev/null; then
			log "recover: force $n (disable)"; echo 1 >"$DIR/$n/force"
		fi
		loop_until "[ ! -e $DIR/$n ]" 30 || echo "recover: $n is still there"
	done
}

# --- readers ------------------------------------------------------------------

# The tasks live across cases: their pids, logs and what teardown must undo
# are kept in $GS (state: shell assignments each case sources).
GS=/tmp/klpx-gauntlet
L=$GS/logs
RUNNING=()	# logs of readers that keep reading
ORDERED=()	# logs of one task's answers (with its children's, taken at fork)
HELD=()		# stopped/frozen readers: kinds, see held_check
SP=''
CG=''

# keep VAR...: save these variables for the next cases
keep()
{
	local v
	for v in "$@"; do
		declare -p "$v" | sed 's/^declare -[a-zA-Z-]* /declare -g /' >>$GS/state
	done
}

# on_teardown 'CMD': run CMD in the teardown case, last registered first
on_teardown()
{
	echo "$1" >>$GS/teardown
}

# gone PID...: teardown waits (once, bounded) until these are reaped (the
# tasks of the first case are not this shell's children: init reaps them)
GONE=()
gone()
{
	GONE+=("$@")
}

all_gone()
{
	local p
	for p in "$@"; do
		[ ! -e "/proc/$p" ] || return 1
	done
}

# reader LOG: reads the patched function's file every 0.1 s
reader()
{
	exec "$G" reader "$A" "$1"
}

# sh_reader LOG: the same as a shell loop, which forks a sleep per read
# (stopped, its last sleep is a zombie the shell cannot reap)
sh_reader()
{
	exec sh -c 'while :; do read a < /proc/klpx_target/answer; echo "$a" >> "$1"; sleep 0.1; done' reader "$1"
}

# settle V: a transition to V completed: every running reader's answers from
# now on (but for the first two, maybe read before) are V
settle()
{
	local v=$1 log bad cond=true
	declare -A start
	for log in "${RUNNING[@]}"; do
		start[$log]=$(lines "$log")
		cond="$cond && [ \$(lines $log) -ge $((start[$log] + 4)) ]"
	done
	loop_until "$cond" 30 || fail "a reader stalled after the transition to $v: $(wc -l "${RUNNING[@]}")"
	for log in "${RUNNING[@]}"; do
		bad=$(tail -n "+$((start[$log] + 3))" "$log" | awk -v v="$v" '$1 != v' | head -n 3)
		[ -z "$bad" ] || { diag; fail "$CORE: ${log##*/} answered after the transition to $v completed:"$'\n'"$bad"; }
	done
}

# held_check V: continue/thaw the held readers, their answers are V; hold
# them again
held_check()
{
	local v=$1 k log bad cond=true
	declare -A start
	for k in "${HELD[@]}"; do
		log=$L/$k
		start[$k]=$(lines "$log")
		cond="$cond && [ \$(lines $log) -ge $((start[$k] + 3)) ]"
		case $k in
		stopped) kill -CONT "$SP" ;;
		frozen) echo 0 >"$CG/cgroup.freeze" ;;
		esac
	done
	loop_until "$cond" 30 || fail "a held reader did not read again once released"
	for k in "${HELD[@]}"; do
		log=$L/$k
		case $k in
		stopped) kill -STOP "$SP" ;;
		frozen) echo 1 >"$CG/cgroup.freeze" ;;
		esac
		bad=$(tail -n "+$((start[$k] + 2))" "$log" | awk -v v="$v" '$1 != v' | head -n 3)
		[ -z "$bad" ] || fail "$CORE: the $k reader, released after the transition to $v, answered:"$'\n'"$bad"
	done
	for k in "${HELD[@]}"; do
		case $k in
		stopped) loop_until "grep -q '^State:.T' /proc/$SP/status" 10 || fail "reader not stopped again" ;;
		frozen) loop_until "grep -qx 'frozen 1' $CG/cgroup.events" 20 || fail "group not frozen again" ;;
		esac
	done
}

# order_mark: where this case's answers start in each ordered log
declare -A FROM
order_mark()
{
	local log
	for log in "${ORDERED[@]}"; do FROM[$log]=$(( $(lines "$log") + 1 )); done
}

# check_order V...: each ordered reader's answers since order_mark follow
# the versions V...
check_order()
{
	local log bad
	for log in "${ORDERED[@]}"; do
		bad=$(tail -n "+${FROM[$log]}" "$log" | awk -v e="$*" 'BEGIN { n = split(e, E, " "); i = 1 }
			{ while (i <= n && E[i] != $1) i++
			  if (i > n) { print "answer " NR ": " $0; exit } }')
		[ -z "$bad" ] || fail "$CORE: ${log##*/} answers out of the order $*: $bad"$'\n'"$(tail -n "+${FROM[$log]}" "$log" | uniq -c | head -n 12)"
		log "${log##*/}: $(tail -n "+${FROM[$log]}" "$log" | awk '{ print $1 }' | uniq | tr '\n' ' ')"
	done
}

# --- the tasks (started by the first case, kept until teardown) -------------

task_plain()
{
	reader "$L/plain" & local p=$!
	on_teardown "kill $p; gone $p"
	RUNNING+=("$L/plain"); ORDERED+=("$L/plain")
}

has_zombie()	# PID: a child of PID is a zombie
{
	local c
	for c in $(pgrep -P "$1"); do
		grep -q '^State:.Z' "/proc/$c/status" 2>/dev/null && return 0
	done
	return 1
}

# a zombie whose parent never reaps it; the parent reaps on SIGTERM, at
# teardown, so the zombie never outlives the gauntlet
task_zombie()
{
	local zp c
	perl -e '$SIG{TERM} = sub { waitpid(-1, 0); exit 0 };
		 defined(my $c = fork) or die "fork: $!"; exit 0 unless $c;
		 sleep 1000 while 1' &
	zp=$!
	on_teardown "kill $zp; gone $zp"
	loop_until "has_zombie $zp" 10 || fail "no zombie child of $zp"
	log "zombie: $(for c in $(pgrep -P $zp); do grep -H '^State' /proc/$c/status; done)"
}

uring_blocked()	# PID: its io-wq workers asleep in fifo_open
{
	local t n=0
	for t in /proc/$1/task/*; do
		grep -qx "iou-wrk-$1" "$t/comm" 2>/dev/null &&
			grep -q fifo_open "$t/stack" 2>/dev/null && n=$((n + 1))
	done
	echo $n
}

task_uring()
{
	local up
	"$G" uring "$A" "$L/uring" 4 >"$L/uring.out" 2>&1 &
	up=$!
	on_teardown "kill -9 $up; gone $up"
	loop_until "grep -q ready $L/uring.out && [ \$(lines $L/uring) -ge 4 ]" 30 ||
		fail "klpx-gauntlet uring did not start: $(cat "$L/uring.out")"
	grep -qx "iou-sqp-$up" /proc/$up/task/*/comm || fail "no iou-sqp-$up thread"
	loop_until "[ \$(uring_blocked $up) -ge 4 ]" 20 ||
		fail "fewer than 4 iou-wrk-$up threads in fifo_open: $(uring_blocked "$up")"
	log "uring: $(cat /proc/$up/task/*/comm | sort | uniq -c | tr '\n' ' '), $(uring_blocked "$up") in fifo_open"
	RUNNING+=("$L/uring")
}

task_exec()
{
	local ep
	"$G" execloop "$A" "$L/exec" &
	ep=$!
	on_teardown "kill -9 $ep; gone $ep"
	loop_until "[ \$(lines $L/exec) -ge 6 ]" 30 || fail "klpx-gauntlet execloop does not loop"
	RUNNING+=("$L/exec"); ORDERED+=("$L/exec")
}

task_stopped()
{
	local tp tc
	sh_reader "$L/stopped" &
	SP=$!
	on_teardown "kill $SP; kill -CONT $SP; gone $SP"
	loop_until "[ \$(lines $L/stopped) -ge 2 ]" 20 || fail "stopped reader does not read"
	kill -STOP "$SP"
	loop_until "grep -q '^State:.T' /proc/$SP/status" 10 || fail "reader not stopped"
	"$G" ptrace >"$L/ptrace.out" &
	tp=$!
	loop_until "[ -s $L/ptrace.out ]" 10 || fail "no ptrace-stopped child"
	tc=$(cat "$L/ptrace.out")
	on_teardown "kill -9 $tc $tp; gone $tc $tp"
	loop_until "grep -q '^State:.t' /proc/$tc/status" 10 || fail "child $tc not in a ptrace stop"
	log "stopped: $(grep -H '^State' /proc/$SP/status /proc/$tc/status | tr '\n' ' ')$(has_zombie "$SP" && echo ", a zombie child of the stopped shell")"
	HELD+=(stopped); ORDERED+=("$L/stopped")
}

task_frozen()
{
	local root fp sp
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -z "$root" ]; then
		root=/sys/fs/cgroup
		mount -t cgroup2 none "$root" || fail "cannot mount cgroup2"
		on_teardown "umount $root"
	fi
	CG=$root/klpx-gauntlet
	mkdir "$CG" || fail "cannot create $CG"
	reader "$L/frozen" & fp=$!
	sleep 1000 & sp=$!
	on_teardown "loop_until '[ ! -s $CG/cgroup.procs ]' 30; rmdir $CG"
	on_teardown "echo 0 > $CG/cgroup.freeze; echo 1 > $CG/cgroup.kill; gone $fp $sp"
	echo "$fp" >"$CG/cgroup.procs" || fail "cannot move $fp to $CG"
	echo "$sp" >"$CG/cgroup.procs" || fail "cannot move $sp to $CG"
	loop_until "[ \$(lines $L/frozen) -ge 2 ]" 20 || fail "frozen reader does not read"
	echo 1 >"$CG/cgroup.freeze"
	loop_until "grep -qx 'frozen 1' $CG/cgroup.events" 20 || fail "$CG not frozen"
	log "frozen: $(tr '\n' ' ' <"$CG/cgroup.procs")"
	HELD+=(frozen); ORDERED+=("$L/frozen")
}

task_vfork()
{
	local vp vc
	"$G" vfork &
	vp=$!
	loop_until "[ -n \"\$(pgrep -P $vp)\" ] && grep -q '^State:.D' /proc/$vp/status" 10 ||
		fail "vfork parent $vp not blocked"
	vc=$(pgrep -P "$vp")
	on_teardown "kill -9 $vc; gone $vc $vp"
	log "vfork: parent $vp $(grep '^State' /proc/$vp/status) wchan $(cat /proc/$vp/wchan), child $vc"
}

task_pidmax()
{
	local old new=4194304 hp sl=()
	old=$(cat /proc/sys/kernel/pid_max)
	[ "$old" -lt $((new - 100000)) ] || fail "pid_max $old already near the limit"
	on_teardown "echo $old > /proc/sys/kernel/pid_max"
	echo $new >/proc/sys/kernel/pid_max || fail "cannot raise pid_max"
	echo $((old + 1000)) >/proc/sys/kernel/ns_last_pid || fail "cannot write ns_last_pid"
	reader "$L/pidmax" &
	hp=$!
	on_teardown "kill $hp; gone $hp"
	[ "$hp" -gt "$old" ] || fail "reader pid $hp not above the old pid_max $old"
	for _ in $(seq 20); do sleep 1000 & sl+=($!); done
	on_teardown "kill ${sl[*]}; gone ${sl[*]}"
	log "pidmax: pid_max $old -> $new, reader $hp, sleepers ${sl[0]}..${sl[19]}"
	RUNNING+=("$L/pidmax"); ORDERED+=("$L/pidmax")
}

cpu1_off()
{
	[ -e $CPU1 ] || fail "no $CPU1 (the VM has 2 CPUs)"
	log "% echo 0 > $CPU1"
	echo 0 >$CPU1 || fail "cannot take cpu1 offline"
}

cpu1_on()
{
	log "% echo 1 > $CPU1"
	echo 1 >$CPU1 || fail "cannot bring cpu1 back"
}

# block: a task sleeps uninterruptibly in klpx_target_wait() (patched by
# either core's patches) until release
block()
{
	echo 1 >/proc/klpx_target/rearm
	sh -c 'echo 1 > /proc/klpx_target/block' &
	BP=$!
	on_cleanup "echo 1 > /proc/klpx_target/release; wait $BP 2>/dev/null"
	loop_until "grep -q klpx_target_wait /proc/$BP/stack" 10 || fail "blocker not asleep in klpx_target_wait"
}

release()
{
	log "% echo 1 > /proc/klpx_target/release"
	echo 1 >/proc/klpx_target/release
	wait "$BP"
}

# --- the cases ---------------------------------------------------------------

# Steps: load klpx_test_target (uninterruptible=1, for the held
# transitions); start every task above.  Expect: each is in the state it
# should be (zombie Z, 4 io-wq workers in fifo_open, stopped T, traced t,
# group frozen, vfork parent D, pids above the old pid_max).
case_setup()
{
	local k
	[ -x "$G" ] || fail "no $G: build it with make"
	rm -rf $GS; mkdir -p $L
	: >$GS/state
	on_teardown "$RMMOD klpx_test_target"
	log "% insmod selftests/modules/klpx_test_target.ko uninterruptible=1"
	"$INSMOD" "$M/klpx_test_target.ko" uninterruptible=1 || fail "insmod klpx_test_target failed"
	for k in plain zombie uring exec stopped frozen vfork pidmax; do
		"task_$k"
		keep RUNNING ORDERED HELD SP CG
	done
}

# a transition case: CORE, then the transition's steps
gauntlet()
{
	use_core "$1"; shift
	[ -s $GS/state ] || fail "the gauntlet's tasks did not start"
	. $GS/state
	[ "$CORE" = klpx ] && klpx_up
	# the case's shell (and what it runs: insmod, the polls, the checks)
	# at nice -20, above the gauntlet's tasks (started at nice 0 by
	# case_setup, they keep it): they are the same, the shell waits less
	# for a CPU
	renice -n -20 -p "$BASHPID" >/dev/null || fail "renice -20 $BASHPID failed"
	on_cleanup recover
	order_mark
	"$@"
}

# Steps: cpu1 offline (its per-cpu kthreads parked); enable P1, disable it;
# cpu1 back.  Expect: both complete; answers V1 after the enable, original
# after the disable; P1 unloads.
t_parked()
{
	on_cleanup "echo 1 > $CPU1"
	cpu1_off
	loop_until "grep -q '^State:.P' /proc/\$(pgrep -x ksoftirqd/1)/status" 10 || fail "ksoftirqd/1 not parked"
	log "parked: $(grep -l '^State:.P' /proc/[0-9]*/status | wc -l) tasks"
	lp_load "$P1"
	tr_wait "$P1" "enable (cpu1 offline)"
	settle "$V1"; held_check "$V1"
	lp_disable "$P1"
	gone_wait "$P1" "disable (cpu1 offline)"
	settle original; held_check original
	unload_mod "$P1"
	cpu1_on
	check_order original "$V1" original
}

# Steps: enable P1; load P2, an atomic replace; disable P2.  Expect: each
# completes, P1 goes at the replace; answers V1, V2, original.
t_replace()
{
	lp_load "$P1"
	tr_wait "$P1" enable
	settle "$V1"; held_check "$V1"
	lp_load "$P2"
	tr_wait "$P2" "atomic replace"
	loop_until "[ ! -e $DIR/$P1 ]" 30 || fail "replaced $P1 still in $DIR"
	settle "$V2"; held_check "$V2"
	unload_mod "$P1"
	lp_disable "$P2"
	gone_wait "$P2" disable
	settle original; held_check original
	unload_mod "$P2"
	check_order original "$V1" "$V2" original
}

# Steps: a sleeper in klpx_target_wait() holds P1's enable; write 0 to
# enabled (reversal); release the sleeper.  Expect: the reversal completes,
# P1 goes; answers original.
t_reverse()
{
	block
	lp_load "$P1"
	sleep 1
	assert_eq 1 "$(cat "$DIR/$P1/transition")" "transition while held"
	lp_disable "$P1"
	release
	gone_wait "$P1" "reversal"
	settle original; held_check original
	unload_mod "$P1"
	check_order original "$V1" original
}

# Steps: a sleeper holds P1's enable; cpu1 offline, back online; release;
# then disable P1.  Expect: both complete; answers V1, then original.
t_hotplug()
{
	on_cleanup "echo 1 > $CPU1"
	block
	lp_load "$P1"
	sleep 1
	assert_eq 1 "$(cat "$DIR/$P1/transition")" "transition while held"
	cpu1_off
	sleep 1
	assert_eq 1 "$(cat "$DIR/$P1/transition")" "transition while held, cpu1 offline"
	cpu1_on
	release
	tr_wait "$P1" "enable (cpu1 offline and back)"
	settle "$V1"; held_check "$V1"
	lp_disable "$P1"
	gone_wait "$P1" disable
	settle original; held_check original
	unload_mod "$P1"
	check_order original "$V1" original
}

# Steps: undo the first case: kill, continue, thaw, reap every task;
# pid_max back; unload klpx_test_target.  Expect: all of it works, no
# reader ever failed to read.
case_teardown()
{
	local line bad=
	[ -f $GS/teardown ] || fail "nothing to tear down"
	. $GS/state
	while IFS= read -r line; do
		log "teardown: $line"
		eval "$line" 2>/dev/null || { echo "teardown: '$line' failed"; bad=1; }
		if [ -n "${GONE[*]}" ]; then
			loop_until "all_gone ${GONE[*]}" 30 ||
				{ echo "teardown: not reaped: $(for p in "${GONE[@]}"; do grep -H '^State' "/proc/$p/status"; done 2>/dev/null)"; bad=1; }
			GONE=()
		fi
	done < <(tac $GS/teardown)
	[ -z "$bad" ] || fail "teardown failed"
	for line in "${RUNNING[@]}" "${ORDERED[@]}"; do
		! grep -qv '^[a-z0-9]' "$line" || fail "${line##*/}: a read failed: $(grep -v '^[a-z0-9]' "$line" | head -n 3)"
	done
	rm -rf $GS
}

# Steps: rmmod klpx.  Expect: it unloads (nothing of the gauntlet holds it).
case_unload()
{
	unload_mod klpx
}

run_case "gauntlet: the tasks of a real host start" case_setup
# GAUNTLET_CORES: the cores to run (while debugging)
for core in ${GAUNTLET_CORES:-$(by_mode klpx "builtin klpx")}; do
	run_case "gauntlet/$core: enable, disable with cpu1 offline (kthreads parked)" gauntlet $core t_parked
	run_case "gauntlet/$core: enable, atomic replace, disable" gauntlet $core t_replace
	run_case "gauntlet/$core: reversal of a held enable" gauntlet $core t_reverse
	run_case "gauntlet/$core: cpu1 offline and back during a held enable, disable" gauntlet $core t_hotplug
done
run_case "gauntlet: the tasks are reaped, pid_max and klpx_test_target are back" case_teardown
run_case "gauntlet: the core unloads after the gauntlet" case_unload
