# SPDX-License-Identifier: GPL-2.0
#
# functions.sh - the klpx selftests' shared library (sourced by case files).
#
# A case file defines case functions and runs each with run_case, which
# prints one TAP line per case.  A case runs in a subshell: fail/skip end that
# case only, the cleanup trap unloads whatever the case loaded, and the kernel
# log the case caused is checked for WARN/BUG/oops/lockdep reports.
#
#   . "$KLPX_ROOT/selftests/lib/functions.sh"
#
#   # Steps: load klpx.  Expect: /sys/kernel/klpx appears.
#   case_sysfs()
#   {
#   	load_mod "$KLPX_MOD"
#   	assert_exists /sys/kernel/klpx
#   }
#   run_case "klpx creates /sys/kernel/klpx" case_sysfs
#
# Helpers are named by what they expect: load_mod expects success,
# load_failing_mod expects a refusal with a given errno, load_lp expects the
# transition to finish, load_lp_nowait does not wait for it.  Polling is
# bounded (loop_until).  Every action is logged into the kernel log (log), so
# actions and kernel messages read as one stream in dmesg.
#
# No "set -e": a case states what it checks with assert_* or fail.
#
# Counters live in $KLPX_TAP_DIR (set by run.sh), so numbering goes on across
# case files, each of which runs as its own process.

KLPX_ROOT=${KLPX_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KLPX_MOD=${KLPX_MOD:-$KLPX_ROOT/kernel/klpx.ko}
KLPX_TEST_MODS=${KLPX_TEST_MODS:-$KLPX_ROOT/selftests/modules}
KLPX_SYSFS=/sys/kernel/klpx
KLPX_TIMEOUT=${KLPX_TIMEOUT:-30}	# default loop_until bound, seconds
KLPX_SOAK=${KLPX_SOAK:-0}		# 1: make soak (full rounds, the references)
INSMOD=/usr/sbin/insmod			# kmod's: busybox's retries refusals
RMMOD=/usr/sbin/rmmod

# shellcheck source=selftests/lib/klog.sh
. "$KLPX_ROOT/selftests/lib/klog.sh"

if [ -z "${KLPX_TAP_DIR:-}" ]; then
	# Run standalone (bash selftests/cases/NN-x.sh): own counters.
	KLPX_TAP_DIR=$(mktemp -d /tmp/klpx-tap.XXXXXX)
	export KLPX_TAP_DIR
	echo 0 >"$KLPX_TAP_DIR/n"
fi

# --- logging and kernel log marks -----------------------------------------

# log MSG: print MSG and write it into the kernel log.
log()
{
	echo "$*"
	echo "klpx-test: $*" >/dev/kmsg 2>/dev/null || true
}

# kernel_log: the whole kernel log, one message a line.
kernel_log()
{
	dmesg 2>/dev/null
}

# _after_last STRING: the lines of stdin after the last one holding STRING
# (all lines if none does).
_after_last()
{
	awk -v pat="$1" '{ l[NR] = $0; if (index($0, pat)) s = NR }
		END { for (i = s + 1; i <= NR; i++) print l[i] }'
}

# mark: start a fresh window of kernel messages (run_case sets one before
# each case).  dmesg_since_mark prints the messages after it, without
# timestamps and without the lines the tests wrote themselves.
mark()
{
	echo "klpx-test: mark $$.${RANDOM}" >/dev/kmsg
}

dmesg_since_mark()
{
	# one awk, not four processes: cases call this often
	kernel_log | awk -v pat='klpx-test: mark ' '
		{ l[NR] = $0; if (index($0, pat)) s = NR }
		END {
			for (i = s + 1; i <= NR; i++) {
				x = l[i]; sub(/^\[[ 0-9.]*\] /, "", x)
				if (x !~ /^klpx-test: /) print x
			}
		}'
}

# --- results ----------------------------------------------------------------

# fail MSG: end the current case as failed.
fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

# skip REASON: end the current case as skipped.  Only for a kernel feature
# the test cannot have; never for a missing tool of the bench (require_cmd
# fails instead).
skip()
{
	[ -n "$*" ] || fail "skip without a reason"
	echo "$*" >"$KLPX_CASE_DIR/skip"
	exit 77
}

# require_cmd CMD...: the bench needs these; missing one is a failure.
require_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			fail "bench dependency missing in the guest: $c (run selftests/bench/deps.sh)"
	done
}

assert_eq()
{
	local expected=$1 actual=$2 what=${3:-value}
	[ "$expected" = "$actual" ] ||
		fail "$what: expected '$expected', got '$actual'"
}

# assert_contains HAYSTACK NEEDLE [what]
assert_contains()
{
	local hay=$1 needle=$2 what=${3:-output}
	case $hay in
	*"$needle"*) ;;
	*) fail "$what does not contain '$needle':"$'\n'"$hay" ;;
	esac
}

assert_not_contains()
{
	local hay=$1 needle=$2 what=${3:-output}
	case $hay in
	*"$needle"*) fail "$what contains '$needle':"$'\n'"$hay" ;;
	esac
}

assert_exists()
{
	[ -e "$1" ] || fail "$1 does not exist"
}

assert_missing()
{
	[ ! -e "$1" ] || fail "$1 exists"
}

# The helpers below start no process where a shell builtin does: under
# TCG an exec costs about 0.3 s of CPU, and a case that keeps 130 tasks
# busy (20-transition.sh) left each helper's grep, cat, sed or sleep tens of
# seconds of wall time, minutes per case.

# _nap SECONDS: sleep without starting a process: a read with a timeout
# on a FIFO that nobody writes (opened read-write, so the open does not
# block, when this file is sourced; subshells inherit it); sleep(1) if
# that could not be set up.
_NAP_FD=
_nap_setup()
{
	local f=$KLPX_TAP_DIR/nap.$$.$RANDOM
	if mkfifo "$f" 2>/dev/null && exec {_NAP_FD}<>"$f"; then
		:
	else
		_NAP_FD=
	fi
	rm -f "$f"
}
_nap()
{
	if [ -n "$_NAP_FD" ]; then
		read -r -t "$1" -u "$_NAP_FD" _ 2>/dev/null
	else
		sleep "$1"
	fi
	return 0
}

# _reads FILE VALUE: the first line of FILE is VALUE
_reads()
{
	local v
	IFS= read -r v 2>/dev/null <"$1" && [ "$v" = "$2" ]
}

# loop_until 'CMD' [TIMEOUT]: run CMD (eval'd) every 0.1 s until it
# succeeds; return 1 after TIMEOUT seconds (default $KLPX_TIMEOUT).
loop_until()
{
	local cmd=$1 timeout=${2:-$KLPX_TIMEOUT} deadline now
	now=${EPOCHREALTIME//[.,]/}	# microseconds, no process (bash 5)
	deadline=$(( now + timeout * 1000000 ))
	while ! eval "$cmd"; do
		now=${EPOCHREALTIME//[.,]/}
		[ "$now" -lt "$deadline" ] || return 1
		_nap 0.1
	done
}

# --- modules ------------------------------------------------------------------

# mod_name PATH: the module name a .ko file loads as (kbuild names the
# .ko after the module, KBUILD_MODNAME, with "-" for "_").
mod_name()
{
	local n=${1##*/}
	n=${n%.ko}
	echo "${n//-/_}"
}

mod_loaded()
{
	[ -d "/sys/module/$1" ] && [ -e "/sys/module/$1/initstate" ]
}

# Remember what a case loaded, so the cleanup trap can unload it.
_track()
{
	echo "$1 $2" >>"$KLPX_CASE_DIR/loaded"
}

# load_mod PATH [PARAMS...]: load a module, expect success.
load_mod()
{
	local path=$1 name out; shift
	[ -f "$path" ] || fail "no module $path (was it built? make)"
	name=$(mod_name "$path")
	log "% insmod ${path#"$KLPX_ROOT"/}${*:+ $*}"
	out=$("$INSMOD" "$path" "$@" 2>&1) || fail "insmod $path failed: $out"
	_track mod "$name"
	loop_until "_reads /sys/module/$name/initstate live" ||
		fail "module $name is not live after insmod"
}

# load_failing_mod PATH ERRNO_NAME [PARAMS...]: expect the load to be
# refused with ERRNO_NAME (EINVAL, EBUSY, ENOENT...).  Uses finit_module(2)
# once, through perl, to see the exact errno (kmod's insmod prints its own
# wording for some errnos, busybox's retries with init_module).
load_failing_mod()
{
	local path=$1 want=$2 got name; shift 2
	[ -f "$path" ] || fail "no module $path (was it built? make)"
	name=$(mod_name "$path")
	log "% insmod ${path#"$KLPX_ROOT"/}${*:+ $*} (expect $want)"
	got=$(perl -MErrno -e '
		open(my $f, "<", $ARGV[0]) or die "open $ARGV[0]: $!\n";
		my $params = join(" ", @ARGV[1..$#ARGV]);
		# finit_module is syscall 313 on x86_64
		if (syscall(313, fileno($f), $params, 0) == 0) { print "0\n"; exit 0 }
		my ($n) = grep { $!{$_} } keys %!;
		print(($n // ("errno " . ($! + 0))), "\n");
	' "$path" "$@")
	if [ "$got" = 0 ]; then
		_track mod "$name"
		fail "$path loaded, expected a refusal with $want"
	fi
	log "insmod refused: $got"
	assert_eq "$want" "$got" "errno of the refused load"
	! mod_loaded "$name" || fail "$name is loaded after a refused load"
}

# unload_mod NAME: unload a module, expect success.
unload_mod()
{
	local name=$1 out
	loop_until "_reads /sys/module/$name/refcnt 0" ||
		fail "module $name still in use (refcnt $(cat "/sys/module/$name/refcnt" 2>/dev/null))"
	log "% rmmod $name"
	out=$("$RMMOD" "$name" 2>&1) || fail "rmmod $name failed: $out"
	loop_until "[ ! -e /sys/module/$name ]" ||
		fail "/sys/module/$name still there after rmmod"
}

# load_lp_nowait PATH [PARAMS...]: load a klpx patch module, expect its
# /sys/kernel/klpx/<name> directory; do not wait for the transition.
load_lp_nowait()
{
	local path=$1 name; shift
	name=$(mod_name "$path")
	load_mod "$path" "$@"
	_retrack "mod $name" "lp $name"
	loop_until "[ -d $KLPX_SYSFS/$name ]" ||
		fail "$KLPX_SYSFS/$name did not appear"
}

# _retrack OLD NEW: the last line of the case's list of loaded modules
# becomes NEW if it is OLD
_retrack()
{
	local -a l
	mapfile -t l <"$KLPX_CASE_DIR/loaded"
	[ "${#l[@]}" -gt 0 ] && [ "${l[-1]}" = "$1" ] || return 0
	l[-1]=$2
	printf '%s\n' "${l[@]}" >"$KLPX_CASE_DIR/loaded"
}

# load_lp PATH [PARAMS...]: load a klpx patch module and wait until its
# transition is over (transition reads 0).
load_lp()
{
	local path=$1 name
	name=$(mod_name "$path")
	load_lp_nowait "$@"
	wait_transition "$name"
}

# wait_transition NAME [TIMEOUT]
wait_transition()
{
	loop_until "_reads $KLPX_SYSFS/$1/transition 0" "${2:-}" ||
		fail "transition of $1 did not finish (transition=$(cat "$KLPX_SYSFS/$1/transition" 2>/dev/null))"
}

# disable_lp NAME: write 0 to enabled and wait until the patch's sysfs
# directory is gone.
disable_lp()
{
	local name=$1
	log "% echo 0 > $KLPX_SYSFS/$name/enabled"
	echo 0 >"$KLPX_SYSFS/$name/enabled" || fail "cannot disable $name"
	loop_until "[ ! -e $KLPX_SYSFS/$name ]" ||
		fail "$KLPX_SYSFS/$name still there after disabling"
}

# unload_lp NAME: unload a patch module (disabled already).
unload_lp()
{
	unload_mod "$1"
}

# on_cleanup 'CMD': run CMD (eval'd) when the case ends, before modules are
# unloaded, last registered first.
on_cleanup()
{
	echo "$1" >>"$KLPX_CASE_DIR/cleanup"
}

# The case's EXIT trap: undo what the case set up, newest first.  A module
# that cannot be unloaded fails the case, since it would leak into the next.
_case_cleanup()
{
	local rc=$? kind name line bad=
	trap - EXIT
	local -a l
	local i
	if [ -s "$KLPX_CASE_DIR/cleanup" ]; then
		# newest first, in a subshell of their own
		mapfile -t l <"$KLPX_CASE_DIR/cleanup"
		(
			for (( i = ${#l[@]} - 1; i >= 0; i-- )); do
				line=${l[i]}
				eval "$line" || echo "cleanup: '$line' failed" >&2
			done
		)
	fi
	if [ -s "$KLPX_CASE_DIR/loaded" ]; then
		mapfile -t l <"$KLPX_CASE_DIR/loaded"
		for (( i = ${#l[@]} - 1; i >= 0; i-- )); do
			read -r kind name <<<"${l[i]}"
			mod_loaded "$name" || continue
			if [ "$kind" = lp ] && [ -e "$KLPX_SYSFS/$name/enabled" ] &&
			   _reads "$KLPX_SYSFS/$name/enabled" 1; then
				echo 0 >"$KLPX_SYSFS/$name/enabled" 2>/dev/null
				loop_until "[ ! -e $KLPX_SYSFS/$name ]" ||
					{ echo "FAIL: cleanup: cannot disable $name" >&2; bad=1; }
			fi
			log "% rmmod $name (cleanup)" >/dev/null
			loop_until "\"$RMMOD\" $name 2>/dev/null" 10 ||
				{ echo "FAIL: cleanup: cannot unload $name" >&2; bad=1; }
		done
	fi
	[ -z "$bad" ] || [ "$rc" = 77 ] || rc=1
	exit "$rc"
}

# by_mode CHECK SOAK: CHECK in make check, SOAK in make soak (KLPX_SOAK=1):
# how many rounds a stress case runs, or which variants of a case.  make
# check runs enough of each to catch a broken path in its time budget
# (docs/vm-bench.md); make soak runs the full counts and the reference
# runs of the kernel's built-in livepatch.
by_mode()
{
	if [ "$KLPX_SOAK" = 1 ]; then echo "$2"; else echo "$1"; fi
}

# --- klpx and its test modules ----------------------------------------------

KLPX_TASKS=/sys/kernel/debug/klpx/tasks	# per-task state of a transition

# klpx_up: load klpx.ko unless it is loaded.  It stays loaded across the
# cases of a file (a case's cleanup unloads only what it loaded itself);
# each file's last case unloads it.
klpx_up()
{
	mod_loaded klpx && return 0
	log "% insmod ${KLPX_MOD#"$KLPX_ROOT"/} (kept across cases)"
	"$INSMOD" "$KLPX_MOD" || fail "insmod klpx failed"
}

# set_param NAME VALUE: set klpx's module parameter NAME to VALUE for the
# rest of the case; the case's cleanup puts back the value it had.
set_param()
{
	local f=/sys/module/klpx/parameters/$1 old
	old=$(cat "$f" 2>/dev/null) || fail "klpx has no parameter $1 (is it loaded?)"
	log "% echo $2 > $f (was $old)"
	echo "$2" >"$f" || fail "cannot set $1 to $2"
	on_cleanup "echo $old > $f"
}

# trace_on [EVENT...]: clear the trace buffer and record these klp events
# (default: all of them) for the rest of the case.
trace_on()
{
	local e t=/sys/kernel/tracing
	echo > $t/trace
	if [ $# -eq 0 ]; then
		echo 1 > $t/events/klp/enable
	else
		for e in "$@"; do echo 1 > $t/events/klp/$e/enable; done
	fi
	on_cleanup "echo 0 > $t/events/klp/enable"
}

# no_signals: no fake signals or wakeups for the rest of the case (a
# blocked task stays blocked): signal_delay_ms far beyond any case.
no_signals()
{
	set_param signal_delay_ms 600000
}

# bpftrace_start NAME CMDLINE: run the bpftrace command line CMDLINE in
# the background until bpftrace_stop, once every probe is attached (it
# fails the case if bpftrace exits first).  BT_OUT is its output, BT_PID
# its pid.  bpftrace prints "Attaching N probes..." before it attaches
# them; with __BPFTRACE_NOTIFY_PROBES_ATTACHED set (its own test suite's
# hook) it prints that word once they are.
bpftrace_start()
{
	BT_OUT=/tmp/bt.$1.$$
	eval "exec env __BPFTRACE_NOTIFY_PROBES_ATTACHED=1 $2" >"$BT_OUT" 2>&1 &
	BT_PID=$!
	on_cleanup "kill $BT_PID 2>/dev/null; rm -f $BT_OUT"
	loop_until "grep -q '^__BPFTRACE_NOTIFY_PROBES_ATTACHED' $BT_OUT || ! kill -0 $BT_PID 2>/dev/null" 90 ||
		fail "bpftrace did not attach: $(cat "$BT_OUT")"
	kill -0 $BT_PID 2>/dev/null || fail "bpftrace exited: $(cat "$BT_OUT")"
}

# bpftrace_stop: interrupt it (maps are printed then) and print its output
bpftrace_stop()
{
	local t0=$EPOCHSECONDS
	# INT, then TERM (bpftrace prints its maps on either); the kernel log
	# says how long it took.  bpftrace 0.17 sometimes lets a SIGINT go
	# unanswered (twice in 24-bpf-sharing.sh, with a BPF trampoline
	# sharing an ftrace_ops hook) and then stops at once on SIGTERM.
	kill -INT $BT_PID
	if ! loop_until "! kill -0 $BT_PID 2>/dev/null" 15; then
		log "bpftrace ($BT_PID) still running 15 s after SIGINT: SIGTERM"
		kill -TERM $BT_PID
		loop_until "! kill -0 $BT_PID 2>/dev/null" 90 || fail "bpftrace did not stop"
	fi
	[ $((EPOCHSECONDS - t0)) -lt 5 ] ||
		log "bpftrace ($BT_PID) took $((EPOCHSECONDS - t0)) s to stop"
	cat "$BT_OUT"
}

# answer: what klpx_test_target's patched function answers a new task.
answer()
{
	cat /proc/klpx_target/answer
}

# sleeps_in PID FUNC: PID is asleep (S or D) with FUNC on its stack.
sleeps_in()
{
	local st stack
	IFS= read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	st=${st##*) }
	case ${st%% *} in S|D) ;; *) return 1 ;; esac
	stack=$(<"/proc/$1/stack") 2>/dev/null || return 1
	[[ $stack == *"$2"* ]]
}

# spawn_sleeper FUNC 'COMMAND' ['RELEASE']: run COMMAND with sh in the
# background and wait (10 s) until that task sleeps in kernel function
# FUNC; SLEEPER is its pid.  The case's cleanup runs RELEASE (if given),
# then reaps the task.  Call it in the case's shell, not in $(...): the
# task must be a child of the case.
spawn_sleeper()
{
	local func=$1 cmd=$2 release=${3:-}
	sh -c "$cmd" >/dev/null 2>&1 &
	SLEEPER=$!
	on_cleanup "${release:+{ $release; \} 2>/dev/null; }wait $SLEEPER 2>/dev/null; true"
	loop_until "sleeps_in $SLEEPER $func" 10 ||
		fail "task $SLEEPER ($cmd) did not go to sleep in $func"
}

# spawn_sleepers N: N processes asleep in nanosleep(2) for 1000 s, forked
# by one perl process (a fork each, no exec: 500 "sleep 1000 &" took three
# minutes under TCG).  The case's cleanup kills and reaps them all.
spawn_sleepers()
{
	local n=$1 f=$KLPX_CASE_DIR/sleepers.$RANDOM pid
	require_cmd perl
	perl -e '
		my @k;
		$SIG{TERM} = sub { kill "TERM", @k; 1 while wait != -1; exit 0 };
		for (1 .. $ARGV[0]) {
			my $p = fork;
			die "fork: $!\n" unless defined $p;
			if (!$p) { $SIG{TERM} = "DEFAULT"; sleep 1000; exit 0 }
			push @k, $p;
		}
		open(my $o, ">", $ARGV[1]) or die "$ARGV[1]: $!\n";
		print $o "@k\n";
		close $o;
		1 while wait != -1;
	' "$n" "$f" &
	pid=$!
	_spawned "$pid" "$f" "$n" || fail "perl did not fork $n sleepers"
}

# _spawned PID FILE N: wait until FILE (written by PID) lists N pids;
# the cleanup kills them and PID, and waits until PID (which reaps them)
# is gone, so that each group exits before the next is killed: hundreds
# of tasks exiting at once beside busy loops starve the guest's RCU
# kthread under TCG
_spawned()
{
	local -a k
	on_cleanup "kill \$(<$2) $1 2>/dev/null; loop_until '! kill -0 $1 2>/dev/null' 120; true"
	loop_until "[ -s $2 ] || ! kill -0 $1 2>/dev/null" 300
	read -r -a k 2>/dev/null <"$2"
	[ "${#k[@]}" = "$3" ]
}

# spawn_loops N 'SH-COMMANDS': N processes (sh) each running SH-COMMANDS,
# forked by one sh (a fork each, no exec) that stays to reap them.  They
# all wait at a gate (a FIFO) until the last one is forked: busy loops
# that started at once would leave the forking sh ever less CPU.  The
# case's cleanup kills and reaps them all.
spawn_loops()
{
	local n=$1 f=$KLPX_CASE_DIR/loops.$RANDOM pid
	mkfifo "$f.gate" || fail "mkfifo $f.gate"
	sh -c 'trap "kill \$kids 2>/dev/null; wait; exit 0" TERM
		exec 3<>"$4"
		i=0 kids=
		while [ $i -lt "$1" ]; do
			{ read _ <&3; exec 3>&-; eval "$2"; } &
			kids="$kids $!"
			i=$((i + 1))
		done
		echo $kids >"$3"
		i=0
		while [ $i -lt "$1" ]; do echo; i=$((i + 1)); done >&3
		exec 3>&-
		wait' sh "$n" "$2" "$f" "$f.gate" </dev/null >/dev/null 2>&1 &
	pid=$!
	_spawned "$pid" "$f" "$n" || fail "sh did not fork $n loops"
}

# block_in_target: a task (comm sh) sleeps in klpx_test_target's
# klpx_target_wait() until /proc/klpx_target/release is written (the
# cleanup writes it too); BLOCKER is its pid.
block_in_target()
{
	spawn_sleeper klpx_target_wait 'echo 1 > /proc/klpx_target/block' \
		'echo 1 > /proc/klpx_target/release'
	BLOCKER=$SLEEPER
}

# block_many_in_target N: N block_in_target sleepers; BLOCKERS their pids
block_many_in_target()
{
	local i
	BLOCKERS=()
	for i in $(seq "$1"); do
		block_in_target
		BLOCKERS+=("$BLOCKER")
	done
}

# patch1_over_blockers N: patch1 enabled while the BLOCKERS sleep in
# klpx_target_wait(); they are released (each then calls the patched
# function once, unswitched: the original answers), the transition
# completes, and N more calls get patch1.  klpx_test_patch1's counts are
# then new N + 1 (the last check's call too), old ${#BLOCKERS[@]}.
patch1_over_blockers()
{
	local i
	load_lp_nowait "$KLPX_TEST_MODS/klpx_test_patch1.ko"
	echo 1 > /proc/klpx_target/release
	wait "${BLOCKERS[@]}"
	assert_eq original "$(cat /proc/klpx_target/last)"
	wait_transition klpx_test_patch1
	for i in $(seq "$1"); do cat /proc/klpx_target/answer >/dev/null; done
	assert_eq patch1 "$(cat /proc/klpx_target/answer)"
}

# hook_path FUNC: fast, slow or ftrace_ops, FUNC's hook in klpx's hooks file
hook_path() { awk -v f="$1" '$1 == f { print $NF }' /sys/kernel/debug/klpx/hooks; }

# hook_state FUNC: FUNC's hook is serving, parked or releasing (empty: none)
hook_state() { awk -v f="$1" '$1 == f { print $2 }' /sys/kernel/debug/klpx/hooks; }

# race_stat KEY: a figure of klpx_race_target's stats (calls, mismatches,
# v0..v7: calls per version)
race_stat() { awk -v k="$1" '$1 == k { print $2 }' /proc/klpx_race/stats; }

# wait_blocked PID [FUNC]: wait (20 s) until klpx's tasks file shows PID
# held back by FUNC (default klpx_target_wait) on its stack: a transition
# runs and its walk has checked that task.
wait_blocked()
{
	loop_until "grep -qP '^$1\t[^\t]*\t[^\t]*\tfunction on stack\t${2:-klpx_target_wait}' $KLPX_TASKS 2>/dev/null" 20 ||
		fail "the tasks file does not show $1 blocked by ${2:-klpx_target_wait}: $(grep -P "^$1\t" $KLPX_TASKS 2>/dev/null || head -n 1 $KLPX_TASKS 2>/dev/null)"
}

# --- cases ----------------------------------------------------------------

_tap_next()
{
	local n
	read -r n <"$KLPX_TAP_DIR/n"
	n=$((n + 1))
	echo "$n" >"$KLPX_TAP_DIR/n"
	echo "$n"
}

_tap_count()
{
	echo "$2" >>"$KLPX_TAP_DIR/$1"
}

# diag FILE: print FILE as TAP diagnostics
_diag()
{
	sed 's/^/# /' "$1"
}

# run_case DESCRIPTION FUNCTION [ARGS...]: run one case in a subshell and
# print its TAP line.  The case fails if FUNCTION fails, if its cleanup
# fails, or if the kernel log since the previous case holds a WARN, BUG,
# oops, lockdep report, stall or panic.
run_case()
{
	local desc=$1 fn=$2 n rc out splats; shift 2
	n=$(_tap_next)
	KLPX_CASE_DIR="$KLPX_TAP_DIR/case.$n"
	mkdir -p "$KLPX_CASE_DIR"
	out="$KLPX_CASE_DIR/output"

	echo "klpx-test: ==== case $n: $desc" >/dev/kmsg
	(
		export KLPX_CASE_DIR
		trap _case_cleanup EXIT
		mark
		"$fn" "$@"
	) >"$out" 2>&1 </dev/null
	rc=$?

	# The kernel log since the previous case ended (its "----" line).
	if splats=$(kernel_log | klog_splats 60 'klpx-test: ---- '); then
		{
			echo "kernel log reports a problem:"
			printf '%s\n' "$splats"
		} >>"$out"
		rc=1
	fi
	echo "klpx-test: ---- case $n done (status $rc)" >/dev/kmsg

	case $rc in
	0)
		echo "ok $n - $desc"
		[ -z "${V:-}" ] || [ "${V:-}" = 0 ] || _diag "$out"
		_tap_count passed "$n"
		;;
	77)
		echo "ok $n - $desc # SKIP $(cat "$KLPX_CASE_DIR/skip" 2>/dev/null)"
		_tap_count skipped "$n"
		;;
	*)
		echo "not ok $n - $desc"
		tail -n 60 "$out" | sed 's/^/# /'
		_tap_count failed "$n"
		;;
	esac
	return 0
}

# one FIFO for _nap per process that sources this file
_nap_setup
