#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - make demo (runs inside the VM): load klpx and the sample patch,
# show what they did, then take them away again.  It grows with the project
# (a transition watched live in klp-top).

KLPX_ROOT=${KLPX_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$KLPX_ROOT" || exit 1
SAMPLE=selftests/modules/klpx_sample.ko

step()
{
	printf '\n=== %s\n' "$*"
	echo "klpx-test: demo: $*" >/dev/kmsg
}

run()
{
	echo "# $*"
	"$@"
}

# the sysfs tree under $1, one "path = value" a line
show_tree()
{
	local f
	echo "# find $1"
	[ -n "$(ls -A "$1")" ] || echo "  (empty)"
	find "$1" -mindepth 1 | sort | while read -r f; do
		if [ -f "$f" ] && [ "$(stat -c %A "$f" | cut -c2)" != r ]; then
			printf '  %s (write-only)\n' "${f#"$1"/}"
		elif [ -f "$f" ]; then
			printf '  %s = %s\n' "${f#"$1"/}" "$(head -c 200 "$f" 2>&1 | tr '\n' ' ')"
		elif [ -d "$f" ]; then
			printf '  %s/\n' "${f#"$1"/}"
		fi
	done
}

dmesg -C 2>/dev/null

step "the guest runs Debian's stock kernel $(uname -r)"
run cat /proc/cmdline

step "load klpx.ko"
run /usr/sbin/insmod kernel/klpx.ko || exit 1
show_tree /sys/kernel/klpx

T=/sys/kernel/tracing
step "record the klp tracepoints of what follows"
run sh -c "echo 1 > $T/events/klp/enable"

if [ -f "$SAMPLE" ]; then
	step "load the sample patch ($SAMPLE): it redirects cmdline_proc_show"
	run /usr/sbin/insmod "$SAMPLE" || exit 1
	for _ in $(seq 100); do
		[ "$(cat /sys/kernel/klpx/klpx_sample/transition 2>/dev/null)" = 0 ] && break
		sleep 0.1
	done
	show_tree /sys/kernel/klpx

	step "/proc/cmdline while the patch is enabled"
	run cat /proc/cmdline

	step "disable the patch"
	run sh -c 'echo 0 > /sys/kernel/klpx/klpx_sample/enabled'
	for _ in $(seq 100); do
		[ -e /sys/kernel/klpx/klpx_sample ] || break
		sleep 0.1
	done
	run cat /proc/cmdline
	run /usr/sbin/rmmod klpx_sample

	step "what the klp tracepoints recorded (task switches: first 8 of $(grep -c klp_task_switch $T/trace))"
	echo 0 > $T/events/klp/enable
	grep -v klp_task_switch $T/trace | grep -v '^#' | head -20
	grep klp_task_switch $T/trace | head -8
else
	step "no $SAMPLE built yet: skipping the sample patch"
fi

step "unload klpx"
run /usr/sbin/rmmod klpx

step "what klpx said in the kernel log"
dmesg | grep -E 'klpx(_sample)?: |klpx-test: demo' | sed 's/^\[[ 0-9.]*\] //'
