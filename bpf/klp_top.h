/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * klp_top.h - what klp-top's BPF programs keep and send, as klp-top reads
 * it: the maps and events of both cores (bpf/klp_top.bpf.c for klpx,
 * bpf/klp_top_builtin.bpf.c for the built-in livepatch), the built-in's
 * function list and --preflight's stack records.
 *
 * Shared by the BPF programs and tools/klp-top: plain fixed-width types
 * only (vmlinux.h gives them to the BPF side, <linux/types.h> to user
 * space).  Strings are NUL-terminated and may be cut at their array size.
 */
#ifndef _KLP_TOP_H
#define _KLP_TOP_H

#define KLP_TOP_NAME_LEN	56	/* patch and function names */
#define KLP_TOP_COMM_LEN	16	/* TASK_COMM_LEN */
#define KLP_TOP_MAX_TASKS	65536	/* tasks with a per-task record (LRU) */
#define KLP_TOP_NR_HOW		8	/* enum klpx_how values, and one spare */

/*
 * One task seen by the transition events.  Key: pid (__u32).  Records of
 * an earlier transition stay until evicted: @gen tells them apart.
 */
struct klp_top_task {
	__u32 gen;		/* klp_top_progress.gen when last written */
	__s32 universe;		/* 0 unpatched, 1 patched, -1 unknown */
	__s32 reason;		/* enum klpx_check of the last failed check */
	__u32 fails;		/* failed checks this transition */
	__u32 signals;		/* fake signals or wake-ups sent to it */
	__s32 how;		/* enum klpx_how that switched it, or -1 */
	__u64 first_fail_ns;	/* bpf_ktime_get_ns() of the first failure */
	__u64 last_fail_ns;
	__u64 switch_ns;	/* when it switched, 0 if not yet */
	char comm[KLP_TOP_COMM_LEN];
	char func[KLP_TOP_NAME_LEN];	/* function on its stack, or "" */
};

/*
 * The transition in progress, or the last one: one entry of an array map.
 * Written by the transition events only (a single writer at a time: klpx
 * runs one transition at once and under its mutex), counters atomically.
 */
struct klp_top_progress {
	__u32 gen;		/* bumped at every klp_transition_start */
	__u32 active;		/* 1 between start and complete */
	__s32 target;		/* 0 unpatched, 1 patched */
	__u32 nr_tasks;		/* tasks when the transition started */
	__u64 start_ns;		/* bpf_ktime_get_ns() at start */
	__u64 end_ns;		/* at complete, 0 while active */
	__u64 duration_ns;	/* as klpx measured it */
	__u64 switched;		/* tasks that reached target (approximate
				 * after a reversal; forks included) */
	__u64 forks;		/* tasks born during it */
	__u64 fails;		/* failed checks */
	__u64 signals;		/* fake signals and kthread wake-ups */
	__u64 how[KLP_TOP_NR_HOW];	/* switches by switch point */
	__u32 reversals;
	__u32 forced;
	char patch[KLP_TOP_NAME_LEN];
};

/* event types of the ring buffer: one per klp tracepoint but redirects */
enum klp_top_type {
	KLP_TOP_PATCH_ENABLE = 1,
	KLP_TOP_PATCH_DISABLE,
	KLP_TOP_PATCH_FREE,
	KLP_TOP_OBJECT_PATCHED,
	KLP_TOP_OBJECT_UNPATCHED,
	KLP_TOP_PATCH_REPLACED,
	KLP_TOP_CALLBACK,
	KLP_TOP_TRANSITION_START,
	KLP_TOP_TRANSITION_COMPLETE,
	KLP_TOP_TRANSITION_REVERSE,
	KLP_TOP_TRANSITION_FORCE,
	KLP_TOP_TASK_SWITCH,
	KLP_TOP_STACK_CHECK_FAIL,
	KLP_TOP_TASK_SIGNAL,
	KLP_TOP_NR_TYPES,
};

/*
 * One event.  The task events (TASK_SWITCH, STACK_CHECK_FAIL, TASK_SIGNAL:
 * klp_top_event_is_task()) are about one task: @pid and @comm name it (pid
 * 0 is an idle task).  The others are about a patch, an object or the
 * transition: @pid is 0 and @comm empty.
 * Which other fields mean something depends on @type:
 *   patch     all but the task events (patch name)
 *   name      object (OBJECT_*, CALLBACK), replaced patch (PATCH_REPLACED),
 *             function on the stack (STACK_CHECK_FAIL)
 *   detail    callback name (CALLBACK)
 *   a, b, c   TRANSITION_*: a = target, b = nr_tasks (start) or forced
 *             (complete); TASK_SWITCH: a = from, b = to, c = how;
 *             STACK_CHECK_FAIL: a = reason; TASK_SIGNAL: a = 1 signal,
 *             0 wake-up; CALLBACK: a = return value; PATCH_*: a = replace
 *   value     TRANSITION_COMPLETE: duration in ns
 */
struct klp_top_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() */
	__u64 value;
	__u32 type;		/* enum klp_top_type */
	__s32 pid;		/* task events, else 0 */
	__s32 a, b, c;
	char comm[KLP_TOP_COMM_LEN];
	char patch[KLP_TOP_NAME_LEN];
	char name[KLP_TOP_NAME_LEN];
	char detail[16];
};

static inline int klp_top_event_is_task(const struct klp_top_event *e)
{
	return e->type == KLP_TOP_TASK_SWITCH ||
	       e->type == KLP_TOP_STACK_CHECK_FAIL ||
	       e->type == KLP_TOP_TASK_SIGNAL;
}

/* counters of the BPF side: one entry of a per-CPU array */
struct klp_top_stats {
	__u64 events;		/* sent to the ring buffer */
	__u64 dropped;		/* ring buffer full: lost */
	__u64 task_map_full;	/* a task record could not be stored */
};

/*
 * The built-in livepatch (bpf/klp_top_builtin.bpf.c): one function of a
 * patch as the walk of klp_patches found it, an entry of the array map
 * "lp_fns"; the walk's count is in the global lp_nr_fns.
 */
#define KLP_TOP_LP_MAX_FUNCS	256	/* functions the walk records */
#define KLP_TOP_LP_MAX_PROBES	1024	/* kprobes counting calls (cookies) */

struct klp_top_lp_func {
	__u64 old_func;		/* the patched function's address */
	__u64 new_func;		/* the patch's replacement */
	__u32 nop;		/* an atomic replace's nop: no new code */
	__u32 patched;		/* its ftrace handler is in place */
	char patch[KLP_TOP_NAME_LEN];
	char object[KLP_TOP_NAME_LEN];
	char name[KLP_TOP_NAME_LEN];	/* old_name */
};

/*
 * klp-top --preflight (bpf/klp_top_preflight.bpf.c): one task's kernel
 * stack, as its task iterator writes it, one record per task.
 */
#define KLP_TOP_PF_DEPTH	64	/* frames kept per task */

struct klp_top_pf_task {
	__u32 pid;
	__u32 tgid;
	__s32 nr;		/* frames in @ips, or a negative errno */
	__u32 running;		/* on a CPU when read: its stack may be stale */
	char comm[KLP_TOP_COMM_LEN];
	__u64 ips[KLP_TOP_PF_DEPTH];
};

#endif /* _KLP_TOP_H */
