/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of klpx, trace system "klp".
 *
 * Each event passes the core's own structs as arguments (tp_btf BPF
 * programs read them through klpx's module BTF) and records plain values
 * (names as strings, pids, numbers) for bpftrace, perf and trace_pipe.
 * docs/tracepoints.md describes every event.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM klp

#if !defined(_TRACE_KLP_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_KLP_H

#include <linux/tracepoint.h>
#include <linux/sched.h>
#include <klpx/livepatch.h>
#include <klpx/events.h>

#define KLPX_PATCH_NAME(p)	((p)->mod->name)

/*
 * The __print_symbolic() tables of the universes, "reason" and "how", from
 * the lists in klpx/events.h: { value, "word" }, with the values as
 * numbers, so that the format files show them as numbers (as perf and
 * trace-cmd need).
 */
#define KLPX_PRINT_SYMBOL(name, value, word, ...)	{ value, #word },
#define KLPX_PRINT_SYMBOL_LAST(name, value, word, ...)	{ value, #word }

DECLARE_EVENT_CLASS(klp_patch_event,
	TP_PROTO(struct klpx_patch *patch),
	TP_ARGS(patch),
	TP_STRUCT__entry(
		__string(patch, KLPX_PATCH_NAME(patch))
		__field(bool, replace)
	),
	TP_fast_assign(
		__assign_str(patch, KLPX_PATCH_NAME(patch));
		__entry->replace = patch->replace;
	),
	TP_printk("patch=%s replace=%d", __get_str(patch), __entry->replace)
);

/* klpx_enable_patch() accepted the patch; its transition follows */
DEFINE_EVENT(klp_patch_event, klp_patch_enable,
	TP_PROTO(struct klpx_patch *patch), TP_ARGS(patch));
/* 0 was written to enabled: the unpatch transition follows */
DEFINE_EVENT(klp_patch_event, klp_patch_disable,
	TP_PROTO(struct klpx_patch *patch), TP_ARGS(patch));
/* the patch is gone from sysfs and its module may be removed */
DEFINE_EVENT(klp_patch_event, klp_patch_free,
	TP_PROTO(struct klpx_patch *patch), TP_ARGS(patch));

DECLARE_EVENT_CLASS(klp_object_event,
	TP_PROTO(struct klpx_patch *patch, struct klpx_object *obj),
	TP_ARGS(patch, obj),
	TP_STRUCT__entry(
		__string(patch, KLPX_PATCH_NAME(patch))
		__string(object, obj->name ? obj->name : "vmlinux")
	),
	TP_fast_assign(
		__assign_str(patch, KLPX_PATCH_NAME(patch));
		__assign_str(object, obj->name ? obj->name : "vmlinux");
	),
	TP_printk("patch=%s object=%s", __get_str(patch), __get_str(object))
);

/* the object's funcs were put on their func stacks (enable, module load) */
DEFINE_EVENT(klp_object_event, klp_object_patched,
	TP_PROTO(struct klpx_patch *patch, struct klpx_object *obj),
	TP_ARGS(patch, obj));
/* the object's funcs left their func stacks (disable, module unload) */
DEFINE_EVENT(klp_object_event, klp_object_unpatched,
	TP_PROTO(struct klpx_patch *patch, struct klpx_object *obj),
	TP_ARGS(patch, obj));

/*
 * One call of a patched function: @top is the newest func on its stack
 * (it names the function), @func the func whose code answered, NULL for
 * the original code; @to_new says whether the call went to new code.
 * Costs one static branch while nothing listens. While it has a probe,
 * klpx sends every call through the code that fires it (regfunc and
 * unregfunc: kernel/fastpath.c); without one, calls of a function no
 * transition touches skip it (docs/tracepoints.md).
 */
int klpx_redirect_reg(void);
void klpx_redirect_unreg(void);
TRACE_EVENT_FN(klp_func_redirect,
	TP_PROTO(struct klpx_func *top, struct klpx_func *func, bool to_new),
	TP_ARGS(top, func, to_new),
	TP_STRUCT__entry(
		__field(unsigned long, old_addr)
		__string(func, top->old_name)
		__string(patch, func ? KLPX_PATCH_NAME(func->obj->patch) : "")
		__field(bool, to_new)
	),
	TP_fast_assign(
		__entry->old_addr = (unsigned long)top->old_func;
		__assign_str(func, top->old_name);
		__assign_str(patch, func ? KLPX_PATCH_NAME(func->obj->patch) : "");
		__entry->to_new = to_new;
	),
	TP_printk("func=%s to=%s patch=%s", __get_str(func),
		  __entry->to_new ? "new" : "old", __get_str(patch)),
	klpx_redirect_reg, klpx_redirect_unreg
);

/* atomic replace: @patch's transition completed and @old is replaced */
TRACE_EVENT(klp_patch_replaced,
	TP_PROTO(struct klpx_patch *patch, struct klpx_patch *old),
	TP_ARGS(patch, old),
	TP_STRUCT__entry(
		__string(patch, KLPX_PATCH_NAME(patch))
		__string(old, KLPX_PATCH_NAME(old))
	),
	TP_fast_assign(
		__assign_str(patch, KLPX_PATCH_NAME(patch));
		__assign_str(old, KLPX_PATCH_NAME(old));
	),
	TP_printk("patch=%s replaced=%s", __get_str(patch), __get_str(old))
);

/* callback @which of @obj ran and returned @ret (0 for void callbacks) */
TRACE_EVENT(klp_callback,
	TP_PROTO(struct klpx_patch *patch, struct klpx_object *obj,
		 const char *which, int ret),
	TP_ARGS(patch, obj, which, ret),
	TP_STRUCT__entry(
		__string(patch, KLPX_PATCH_NAME(patch))
		__string(object, obj->name ? obj->name : "vmlinux")
		__string(which, which)
		__field(int, ret)
	),
	TP_fast_assign(
		__assign_str(patch, KLPX_PATCH_NAME(patch));
		__assign_str(object, obj->name ? obj->name : "vmlinux");
		__assign_str(which, which);
		__entry->ret = ret;
	),
	TP_printk("patch=%s object=%s callback=%s ret=%d", __get_str(patch),
		  __get_str(object), __get_str(which), __entry->ret)
);

#define KLPX_UNIVERSE_NAME(u)						\
	__print_symbolic(u, KLPX_UNIVERSES(KLPX_PRINT_SYMBOL,		\
					   KLPX_PRINT_SYMBOL_LAST))

/* a transition begins: every task must reach @target */
TRACE_EVENT(klp_transition_start,
	TP_PROTO(struct klpx_patch *patch, int target, unsigned int nr_tasks),
	TP_ARGS(patch, target, nr_tasks),
	TP_STRUCT__entry(
		__string(patch, KLPX_PATCH_NAME(patch))
		__field(int, target)
		__field(unsigned int, nr_tasks)
	),
	TP_fast_assign(
		__assign_str(patch, KLPX_PATCH_NAME(patch));
		__entry->target = target;
		__entry->nr_tasks = nr_tasks;
	),
	TP_printk("patch=%s target=%s tasks=%u", __get_str(patch),
		  KLPX_UNIVERSE_NAME(__entry->target), __entry->nr_tasks)
);

/* every task reached @target (or force was written) */
TRACE_EVENT(klp_transition_complete,
	TP_PROTO(struct klpx_patch *patch, int target, u64 duration_ns,
		 bool forced),
	TP_ARGS(patch, target, duration_ns, forced),
	TP_STRUCT__entry(
		__string(patch, KLPX_PATCH_NAME(patch))
		__field(int, target)
		__field(u64, duration_ns)
		__field(bool, forced)
	),
	TP_fast_assign(
		__assign_str(patch, KLPX_PATCH_NAME(patch));
		__entry->target = target;
		__entry->duration_ns = duration_ns;
		__entry->forced = forced;
	),
	TP_printk("patch=%s target=%s duration_ns=%llu forced=%d",
		  __get_str(patch), KLPX_UNIVERSE_NAME(__entry->target),
		  __entry->duration_ns, __entry->forced)
);

DECLARE_EVENT_CLASS(klp_transition_event,
	TP_PROTO(struct klpx_patch *patch, int target),
	TP_ARGS(patch, target),
	TP_STRUCT__entry(
		__string(patch, KLPX_PATCH_NAME(patch))
		__field(int, target)
	),
	TP_fast_assign(
		__assign_str(patch, KLPX_PATCH_NAME(patch));
		__entry->target = target;
	),
	TP_printk("patch=%s target=%s", __get_str(patch),
		  KLPX_UNIVERSE_NAME(__entry->target))
);

/* the opposite value was written to enabled: @target is the new target */
DEFINE_EVENT(klp_transition_event, klp_transition_reverse,
	TP_PROTO(struct klpx_patch *patch, int target), TP_ARGS(patch, target));
/* force was written: every task is declared in @target */
DEFINE_EVENT(klp_transition_event, klp_transition_force,
	TP_PROTO(struct klpx_patch *patch, int target), TP_ARGS(patch, target));

/* @task moved from universe @from to @to at switch point @how */
TRACE_EVENT(klp_task_switch,
	TP_PROTO(struct task_struct *task, int from, int to, int how),
	TP_ARGS(task, from, to, how),
	TP_STRUCT__entry(
		__field(pid_t, pid)
		__array(char, comm, TASK_COMM_LEN)
		__field(int, from)
		__field(int, to)
		__field(int, how)
	),
	TP_fast_assign(
		__entry->pid = task->pid;
		memcpy(__entry->comm, task->comm, TASK_COMM_LEN);
		__entry->from = from;
		__entry->to = to;
		__entry->how = how;
	),
	TP_printk("pid=%d comm=%s from=%s to=%s how=%s", __entry->pid,
		  __entry->comm, KLPX_UNIVERSE_NAME(__entry->from),
		  KLPX_UNIVERSE_NAME(__entry->to),
		  __print_symbolic(__entry->how,
				   KLPX_HOWS(KLPX_PRINT_SYMBOL,
					     KLPX_PRINT_SYMBOL_LAST)))
);

/* a check found @task unable to switch: @reason, and @func on its stack */
TRACE_EVENT(klp_stack_check_fail,
	TP_PROTO(struct task_struct *task, int reason, struct klpx_func *func),
	TP_ARGS(task, reason, func),
	TP_STRUCT__entry(
		__field(pid_t, pid)
		__array(char, comm, TASK_COMM_LEN)
		__field(int, reason)
		__string(func, func ? func->old_name : "")
	),
	TP_fast_assign(
		__entry->pid = task->pid;
		memcpy(__entry->comm, task->comm, TASK_COMM_LEN);
		__entry->reason = reason;
		__assign_str(func, func ? func->old_name : "");
	),
	TP_printk("pid=%d comm=%s reason=%s func=%s", __entry->pid,
		  __entry->comm,
		  __print_symbolic(__entry->reason,
				   KLPX_CHECK_FAILS(KLPX_PRINT_SYMBOL,
						    KLPX_PRINT_SYMBOL_LAST)),
		  __get_str(func))
);

/* @task was sent a fake signal (@signal) or woken (kthread) */
TRACE_EVENT(klp_task_signal,
	TP_PROTO(struct task_struct *task, bool signal),
	TP_ARGS(task, signal),
	TP_STRUCT__entry(
		__field(pid_t, pid)
		__array(char, comm, TASK_COMM_LEN)
		__field(bool, signal)
	),
	TP_fast_assign(
		__entry->pid = task->pid;
		memcpy(__entry->comm, task->comm, TASK_COMM_LEN);
		__entry->signal = signal;
	),
	TP_printk("pid=%d comm=%s kind=%s", __entry->pid, __entry->comm,
		  __entry->signal ? "signal" : "wakeup")
);

#endif /* _TRACE_KLP_H */

/* the module's tracepoints are defined in kernel/trace.c */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH trace/events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE klp
#include <trace/define_trace.h>
