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

# klog_splats [MAX_LINES [AFTER]]: with AFTER, only the lines after the
# last one holding the string AFTER count (all if none does).  One awk
# process (it runs after every case in the guest, where each process costs
# a noticeable part of a second under TCG); the output is grep -B3 -A14's
# around every matching line, the bench's own lines left out, "--" between
# groups, "> " on the reporting lines and "  " on their context.
klog_splats()
{
	SPLAT_RE=$KLOG_SPLAT_RE OWN_RE=$KLOG_OWN_RE \
	awk -v max="${1:-120}" -v after="${2:-}" '
		function emit(x) { if (++cnt <= max + 0) print x }
		{ l[NR] = $0; if (after != "" && index($0, after)) s = NR }
		END {
			re = ENVIRON["SPLAT_RE"]; own = ENVIRON["OWN_RE"]
			found = 0
			for (i = s + 1; i <= NR; i++)
				if (l[i] ~ re) {
					m[i] = 1
					# context lines alone do not count, nor the
					# bench'"'"'s own lines
					if (l[i] !~ own) found = 1
				}
			if (!found) exit 1
			for (i = s + 1; i <= NR; i++)
				if (i in m)
					for (j = i - 3; j <= i + 14; j++)
						if (j > s && j <= NR) w[j] = 1
			last = -1
			for (i = s + 1; i <= NR; i++) {
				if (!(i in w)) continue
				if (last != -1 && i > last + 1) emit("--")
				last = i
				if (l[i] ~ own) continue
				emit(((i in m) ? "> " : "  ") l[i])
			}
			if (cnt > max + 0) print "... (cut at " max " lines)"
			exit 0
		}'
}
