# SPDX-License-Identifier: GPL-2.0
#
# klog.sh - what counts as a broken kernel log (sourced by the host's vm.sh
# and by the guest's functions.sh, so both judge the same way).
#
# klog_splats prints, from the kernel log on stdin, every line that reports a
# kernel problem, with context, and returns 0 if it found any, 1 if none.
# Lines the bench itself wrote (klpx-test:, klpx-bench:, klpx-init:) never
# count, so a case may log "expect a WARNING" without failing itself.

KLOG_SPLAT_RE='WARNING:|BUG:|kernel BUG at|Oops|Call Trace|general protection fault|'\
'Kernel panic|soft lockup|hard LOCKUP|self-detected stall|rcu: INFO|'\
'detected stalls? on CPUs|rcu_sched kthread starved|hung_task|blocked for more than|'\
'possible circular locking|inconsistent lock state|possible recursive locking|'\
'suspicious RCU usage|bad unlock balance|lock held when returning|'\
'possible irq lock inversion|held lock freed|INFO: possible|'\
'unable to handle|Unable to handle|invalid opcode:|double fault|'\
'stack-protector|list_add corruption|list_del corruption|refcount_t: |'\
'UBSAN:|KASAN:|KFENCE:|kmemleak:'
KLOG_OWN_RE='(^|\] )klpx-(test|bench|init): '

# klog_splats [max_lines]
klog_splats()
{
	local max=${1:-120} hits

	hits=$(grep -n -E -B3 -A14 -- "$KLOG_SPLAT_RE" |
	       grep -v -E -- "$KLOG_OWN_RE" || true)
	# Context lines alone do not count: require a matching line that is
	# not the bench's own.
	if ! printf '%s\n' "$hits" | grep -E -- "^[0-9]+:" |
	     grep -q -E -- "$KLOG_SPLAT_RE"; then
		return 1
	fi
	# "> " marks the reporting lines, "  " their context
	printf '%s\n' "$hits" | sed -E 's/^[0-9]+:/> /; s/^[0-9]+-/  /' |
		head -n "$max"
	[ "$(printf '%s\n' "$hits" | wc -l)" -le "$max" ] ||
		echo "... (cut at $max lines)"
	return 0
}
