# SPDX-License-Identifier: GPL-2.0
#
# klp-top.sh - running klp-top in a case (sourced by the klp-top case
# files after functions.sh).

TOP=$KLPX_ROOT/tools/klp-top/klp-top

# top_out: where the case's klp-top writes its --json snapshots, one per
# line (TOP_OUT, in the case's own directory)
top_out() { TOP_OUT=$KLPX_CASE_DIR/klp-top.json; }

# top_start ARGS...: klp-top --json ARGS in the background until top_stop
# (stderr in $TOP_OUT.err); returns once its first snapshot is out (it is
# attached then)
top_start()
{
	[ -x "$TOP" ] || fail "no $TOP: build it with make"
	top_out
	"$TOP" --json "$@" >"$TOP_OUT" 2>"$TOP_OUT.err" &
	TOP_PID=$!
	on_cleanup "kill $TOP_PID 2>/dev/null; wait $TOP_PID 2>/dev/null"
	loop_until "[ -s $TOP_OUT ] || ! kill -0 $TOP_PID 2>/dev/null" 60 ||
		fail "klp-top printed nothing: $(cat "$TOP_OUT.err")"
	kill -0 $TOP_PID 2>/dev/null || fail "klp-top exited: $(cat "$TOP_OUT" "$TOP_OUT.err")"
}

# top_stop: SIGINT, as a user's ^C; it must exit within 30 s
top_stop()
{
	kill -INT $TOP_PID
	loop_until "! kill -0 $TOP_PID 2>/dev/null" 30 || fail "klp-top did not exit on SIGINT"
	wait $TOP_PID
}

# last_line: klp-top's latest complete snapshot (a line still being
# written, over 4 KiB with its events, is not one yet)
last_line()
{
	if [ -z "$(tail -c 1 "$TOP_OUT")" ]; then
		tail -n 1 "$TOP_OUT"
	else
		tail -n 2 "$TOP_OUT" | head -n 1
	fi
}

# last_json JQ-FILTER: the filter applied to klp-top's latest snapshot
last_json() { last_line | jq -r "$1"; }

# top_wait_release ARGS...: klp-top ARGS (a --wait) in the background;
# once it waits in poll(), the sleepers in klpx_test_target are released.
# TOP_RC is its exit status, TOP_WAIT its output (printed too).
top_wait_release()
{
	local pid f=$KLPX_CASE_DIR/wait.out
	"$TOP" "$@" >"$f" 2>&1 &
	pid=$!
	on_cleanup "kill $pid 2>/dev/null"
	loop_until "sleeps_in $pid poll || ! kill -0 $pid 2>/dev/null" 60 ||
		fail "klp-top --wait is not waiting after 60 s"
	echo 1 > /proc/klpx_target/release
	wait $pid; TOP_RC=$?
	TOP_WAIT=$(cat "$f")
	echo "$TOP_WAIT"
}

# top_screen ERE ARGS...: klp-top ARGS's screen in a pty (script, 80x24,
# TERM=xterm) until a line of it (CRs dropped) matches ERE, at most 60 s;
# then "q", as a user quits.  SCREEN_RC is its exit status, SCREEN_OUT
# what it drew.  No fixed wait: on a busy host the first screen can take
# seconds (klp-top attaches its programs first).
top_screen()
{
	local ere=$1 f=$KLPX_CASE_DIR/screen.out in=$KLPX_CASE_DIR/screen.in pid fd
	shift
	require_cmd script
	mkfifo "$in" || fail "mkfifo $in"
	TERM=xterm timeout 60 script -qfec "$TOP $*" /dev/null <"$in" >"$f" 2>&1 &
	pid=$!
	exec {fd}>"$in"
	on_cleanup "kill $pid 2>/dev/null; true"
	loop_until "_screen_has '$ere' '$f' || ! kill -0 $pid 2>/dev/null" 60
	printf q >&"$fd"
	exec {fd}>&-
	wait $pid
	SCREEN_RC=$?
	SCREEN_OUT=$(<"$f")
	SCREEN_OUT=${SCREEN_OUT//$'\r'/}
	_screen_has "$ere" "$f" || fail "the screen never showed /$ere/: $SCREEN_OUT"
}

# _screen_has ERE FILE: a line of FILE, CRs dropped, matches ERE
_screen_has()
{
	local text
	text=$(<"$2")
	grep -Eq -- "$1" <<<"${text//$'\r'/}"
}
