#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
#
# The real-workload gauntlet (issue 13): transitions of a patch on a
# function the workload calls (klpx_target_answer(), read through
# /proc/klpx_target/answer), while the VM holds the tasks a real host has:
#
#   zombie    a zombie whose parent never reaps it (until the case ends)
#   uring     an io_uring SQPOLL ring (iou-sqp-N) and io-wq workers
#             (iou-wrk-N): 4 asleep in blocking opens of a FIFO (a pipe
#             read would arm a poll, not hold a worker), others reading the
#             patched function's file
#   exec      a thread that is not the leader execs, in a loop (de_thread
#             gives it the leader's pid), reading the answer either side
#   stopped   a SIGSTOPped reader and a ptrace-stopped process
#   frozen    a reader in a frozen cgroup v2 group
#   vfork     a parent blocked in vfork while its child sleeps
#   parked    cpu1 offline for the whole row: its per-cpu kthreads parked
#   pidmax    pid_max raised, a reader and sleepers with pids above the
#             old pid_max
#   hotplug   cpu1 taken offline and back while a transition is held
#   all       all of the above in one row, through enable (cpu1 offline),
#             atomic replace, disable, reversal, and a transition with
#             cpu1 going offline and back
#
# Each row runs once for the kernel's built-in livepatch (the reference:
# klpx_test_lpb1/lpb2) and once for klpx (klpx_test_patch1/replace), in the
# same boot.  Every transition must complete without force within $WAIT s;
# every reader's answers must follow the order of the versions (a task's
# answer changes at most once per transition, never back); once a
# transition completed, every running reader - the io-wq workers and the
# exec'ing threads too - must answer the new version, and so must a stopped
# or frozen reader once continued or thawed; the patch modules unload.
. "$(dirname "$0")/../lib/functions.sh"

M=$KLPX_TEST_MODS
G=$KLPX_ROOT/selftests/progs/klpx-gauntlet
A=/proc/klpx_target/answer
TASKS=/sys/kernel/debug/klpx/tasks
CPU1=/sys/devices/system/cpu/cpu1/online
WAIT=${GAUNTLET_WAIT:-90}	# bound on one transition, seconds (TCG)
klpx_up() { mod_loaded klpx || "$INSMOD" "$KLPX_MOD" || fail "insmod klpx failed"; }

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
# the case has failed already), so the next rows can run
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

RUNNING=()	# logs of readers that keep reading
ORDERED=()	# logs of one task's answers (with its children's, taken at fork)
HELD=()		# stopped/frozen readers: kinds, see held_check

# reader LOG: a shell that reads the patched function's file every 0.1 s
reader()
{
	exec sh -c 'while :; do read a < /proc/klpx_target/answer; echo "$a" >> "$1"; sleep 0.1; done' reader "$1"
}

# settle V: a transition to V completed: every running reader's answers from
# now on (but for the first two, maybe read before) are V
settle()
{
	local v=$1 log n bad
	declare -A start
	for log in "${RUNNING[@]}"; do start[$log]=$(lines "$log"); done
	for log in "${RUNNING[@]}"; do
		n=${start[$log]}
		loop_until "[ \$(lines $log) -ge $((n + 6)) ]" 30 ||
			fail "reader ${log##*/} stalled at $(lines "$log") lines after the transition to $v"
		bad=$(tail -n "+$((n + 3))" "$log" | awk -v v="$v" '$1 != v' | head -n 3)
		[ -z "$bad" ] || { diag; fail "$CORE: ${log##*/} answered after the transition to $v completed:"$'\n'"$bad"; }
	done
}

# held_check V: continue/thaw the held readers, their answers are V; hold
# them again
held_check()
{
	local v=$1 k log n bad
	for k in "${HELD[@]}"; do
		log=$L/$k
		n=$(lines "$log")
		case $k in
		stopped) kill -CONT "$SP" ;;
		frozen) echo 0 >"$CG/cgroup.freeze" ;;
		esac
		loop_until "[ \$(lines $log) -ge $((n + 3)) ]" 30 ||
			fail "the $k reader did not read again once released"
		bad=$(tail -n "+$((n + 2))" "$log" | awk -v v="$v" '$1 != v' | head -n 3)
		[ -z "$bad" ] || fail "$CORE: the $k reader, released after the transition to $v, answered:"$'\n'"$bad"
		case $k in
		stopped) kill -STOP "$SP"
			 loop_until "grep -q '^State:.T' /proc/$SP/status" 10 || fail "reader not stopped again" ;;
		frozen) echo 1 >"$CG/cgroup.freeze"
			loop_until "grep -qx 'frozen 1' $CG/cgroup.events" 20 || fail "group not frozen again" ;;
		esac
	done
}

# check_order V...: each ordered reader's answers follow the versions V...
check_order()
{
	local log bad
	for log in "${ORDERED[@]}"; do
		bad=$(awk -v e="$*" 'BEGIN { n = split(e, E, " "); i = 1 }
			{ while (i <= n && E[i] != $1) i++
			  if (i > n) { print "line " NR ": " $0; exit } }' "$log")
		[ -z "$bad" ] || fail "$CORE: ${log##*/} answers out of the order $*: $bad"$'\n'"$(uniq -c "$log" | head -n 12)"
		log "${log##*/}: $(uniq "$log" | awk '{ print $1 }' | uniq | tr '\n' ' ')"
	done
}

# --- the tasks ---------------------------------------------------------------

task_plain()
{
	reader "$L/plain" & local p=$!
	on_cleanup "kill $p 2>/dev/null; wait $p 2>/dev/null"
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

# a zombie whose parent never reaps it: the parent reaps on SIGTERM, at
# cleanup, so the zombie never outlives the case (reparented to init)
task_zombie()
{
	local zp c
	perl -e '$SIG{TERM} = sub { waitpid(-1, 0); exit 0 };
		 defined(my $c = fork) or die "fork: $!"; exit 0 unless $c;
		 sleep 1000 while 1' &
	zp=$!
	on_cleanup "kill $zp 2>/dev/null; wait $zp 2>/dev/null"
	loop_until "has_zombie $zp" 10 ||
		fail "no zombie child of $zp"
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
	on_cleanup "kill -9 $up 2>/dev/null; wait $up 2>/dev/null"
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
	on_cleanup "kill -9 $ep 2>/dev/null; wait $ep 2>/dev/null"
	loop_until "[ \$(lines $L/exec) -ge 6 ]" 30 || fail "klpx-gauntlet execloop does not loop"
	RUNNING+=("$L/exec"); ORDERED+=("$L/exec")
}

task_stopped()
{
	local tp tc
	reader "$L/stopped" &
	SP=$!
	on_cleanup "kill $SP 2>/dev/null; kill -CONT $SP 2>/dev/null; wait $SP 2>/dev/null"
	loop_until "[ \$(lines $L/stopped) -ge 2 ]" 20 || fail "stopped reader does not read"
	kill -STOP "$SP"
	loop_until "grep -q '^State:.T' /proc/$SP/status" 10 || fail "reader not stopped"
	"$G" ptrace >"$L/ptrace.out" &
	tp=$!
	loop_until "[ -s $L/ptrace.out ]" 10 || fail "no ptrace-stopped child"
	tc=$(cat "$L/ptrace.out")
	on_cleanup "kill -9 $tc $tp 2>/dev/null; wait $tp 2>/dev/null"
	loop_until "grep -q '^State:.t' /proc/$tc/status" 10 || fail "child $tc not in a ptrace stop"
	log "stopped: $(grep -H '^State' /proc/$SP/status /proc/$tc/status | tr '\n' ' ')"
	HELD+=(stopped); ORDERED+=("$L/stopped")
}

task_frozen()
{
	local root fp sp
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -z "$root" ]; then
		root=/sys/fs/cgroup
		mount -t cgroup2 none "$root" || fail "cannot mount cgroup2"
		on_cleanup "umount $root"
	fi
	CG=$root/klpx-gauntlet
	mkdir "$CG" || fail "cannot create $CG"
	reader "$L/frozen" & fp=$!
	sleep 1000 & sp=$!
	on_cleanup "echo 0 > $CG/cgroup.freeze; echo 1 > $CG/cgroup.kill; kill $fp $sp 2>/dev/null; wait $fp $sp 2>/dev/null; loop_until '[ ! -s $CG/cgroup.procs ]' 10; rmdir $CG"
	echo "$fp" >"$CG/cgroup.procs" && echo "$sp" >"$CG/cgroup.procs" || fail "cannot move tasks to $CG"
	loop_until "[ \$(lines $L/frozen) -ge 2 ]" 20 || fail "frozen reader does not read"
	echo 1 >"$CG/cgroup.freeze"
	loop_until "grep -qx 'frozen 1' $CG/cgroup.events" 20 || fail "$CG not frozen"
	log "frozen: $(cat "$CG/cgroup.procs" | tr '\n' ' ')"
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
	on_cleanup "kill -9 $vc 2>/dev/null; wait $vp 2>/dev/null"
	log "vfork: parent $vp $(grep '^State' /proc/$vp/status) wchan $(cat /proc/$vp/wchan), child $vc"
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

task_parked()
{
	on_cleanup "echo 1 > $CPU1"
	cpu1_off
	loop_until "grep -q '^State:.P' /proc/\$(pgrep -x ksoftirqd/1)/status" 10 ||
		fail "ksoftirqd/1 not parked"
	log "parked: $(grep -l '^State:.P' /proc/[0-9]*/status | wc -l) tasks parked"
}

task_pidmax()
{
	local old new=4194304 hp i sl=()
	old=$(cat /proc/sys/kernel/pid_max)
	[ "$old" -lt $((new - 100000)) ] || fail "pid_max $old already near the limit"
	on_cleanup "echo $old > /proc/sys/kernel/pid_max"
	echo $new >/proc/sys/kernel/pid_max || fail "cannot raise pid_max"
	echo $((old + 1000)) >/proc/sys/kernel/ns_last_pid || fail "cannot write ns_last_pid"
	reader "$L/pidmax" &
	hp=$!
	on_cleanup "kill $hp 2>/dev/null; wait $hp 2>/dev/null"
	[ "$hp" -gt "$old" ] || fail "reader pid $hp not above the old pid_max $old"
	for i in $(seq 20); do sleep 1000 & sl+=($!); done
	on_cleanup "kill ${sl[*]} 2>/dev/null; wait ${sl[*]} 2>/dev/null"
	log "pidmax: pid_max $old -> $new, reader $hp, sleepers ${sl[0]}..${sl[19]}"
	RUNNING+=("$L/pidmax"); ORDERED+=("$L/pidmax")
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

# --- transitions -------------------------------------------------------------

# enable_disable: enable P1, disable it
seq_basic()
{
	lp_load "$P1"
	tr_wait "$P1" enable
	settle "$V1"; held_check "$V1"
	lp_disable "$P1"
	gone_wait "$P1" disable
	settle original; held_check original
	unload_mod "$P1"
	check_order original "$V1" original
}

# a transition held by a sleeper while cpu1 goes offline and back
seq_hotplug()
{
	block
	lp_load "$P1"
	sleep 1
	assert_eq 1 "$(cat "$DIR/$P1/transition")" "transition while held"
	cpu1_off
	sleep 1
	cpu1_on
	release
	tr_wait "$P1" "enable (cpu1 offline and back)"
	settle "$V1"; held_check "$V1"
	lp_disable "$P1"
	gone_wait "$P1" disable
	settle original
	unload_mod "$P1"
}

seq_all()
{
	# enable with cpu1 offline: its kthreads parked
	on_cleanup "echo 1 > $CPU1"
	cpu1_off
	loop_until "grep -q '^State:.P' /proc/\$(pgrep -x ksoftirqd/1)/status" 10 || fail "ksoftirqd/1 not parked"
	lp_load "$P1"
	tr_wait "$P1" "enable (cpu1 offline)"
	settle "$V1"; held_check "$V1"
	cpu1_on
	# atomic replace
	lp_load "$P2"
	tr_wait "$P2" "atomic replace"
	loop_until "[ ! -e $DIR/$P1 ]" 30 || fail "replaced $P1 still in $DIR"
	settle "$V2"; held_check "$V2"
	unload_mod "$P1"
	lp_disable "$P2"
	gone_wait "$P2" disable
	settle original; held_check original
	unload_mod "$P2"
	# reversal: an enable held by a sleeper is reversed
	block
	lp_load "$P1"
	sleep 1
	assert_eq 1 "$(cat "$DIR/$P1/transition")" "transition while held"
	lp_disable "$P1"
	release
	gone_wait "$P1" "reversal"
	settle original; held_check original
	unload_mod "$P1"
	# cpu1 offline and back during a held transition
	seq_hotplug
	check_order original "$V1" "$V2" original "$V1" original "$V1" original
}

# gauntlet CORE KIND: one row
gauntlet()
{
	local k
	use_core "$1"
	[ -x "$G" ] || fail "no $G: build it with make"
	L=$KLPX_CASE_DIR/logs
	mkdir -p "$L"
	[ "$CORE" = klpx ] && klpx_up
	on_cleanup recover
	load_mod "$M/klpx_test_target.ko" uninterruptible=1
	task_plain
	case $2 in
	all)	for k in zombie uring exec stopped frozen vfork pidmax; do "task_$k"; done
		seq_all ;;
	hotplug) seq_hotplug ;;
	*)	"task_$2"; seq_basic ;;
	esac
}

desc_zombie="a zombie whose parent never reaps"
desc_uring="an io_uring SQPOLL ring and io-wq workers reading"
desc_exec="threads that exec from non-leader threads in a loop"
desc_stopped="a SIGSTOPped and a ptrace-stopped process"
desc_frozen="a frozen cgroup v2 group"
desc_vfork="a task in vfork wait"
desc_parked="cpu1 offline, its kthreads parked"
desc_pidmax="tasks with pids above the old pid_max"

# Steps: for the built-in livepatch, then klpx: per task kind, the kind's
# tasks and a reader; enable the patch, disable it.  Then cpu1 offline and
# back during a held enable; then all kinds at once through enable (cpu1
# offline), atomic replace, disable, reversal, hotplug.
# Expect: every transition completes without force within $WAIT s, every
# answer is the version of its task's universe (order; new version once
# complete, also for the released stopped/frozen readers), the patch
# modules unload, the kernel log stays clean.
# GAUNTLET_CORES, GAUNTLET_KINDS: a subset (while debugging a row)
for core in ${GAUNTLET_CORES:-builtin klpx}; do
	# the zombie last: an oops there (issue 13, item 1) ends the boot
	for kind in ${GAUNTLET_KINDS:-uring exec stopped frozen vfork parked pidmax zombie hotplug all}; do
		case $kind in
		hotplug) d="cpu1 offline and back during a held enable" ;;
		all) d="all task kinds: enable (cpu1 offline), atomic replace, disable, reversal, hotplug" ;;
		*) d=desc_$kind; d="enable, disable with ${!d}" ;;
		esac
		run_case "gauntlet/$core: $d" gauntlet "$core" "$kind"
	done
done

case_unload()
{
	unload_mod klpx
}
run_case "gauntlet: the core unloads after the gauntlet" case_unload
