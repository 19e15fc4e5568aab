// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * klp_top_builtin.bpf.c - what klp-top sees of the kernel's built-in
 * livepatch (CONFIG_LIVEPATCH), with no tracepoint and no kernel change:
 * fentry and fexit programs on its transition functions, read through the
 * running kernel's BTF (CO-RE), filling the maps of klp_top_maps.bpf.h as
 * klp_top.bpf.c does for klpx.  klp-top loads each program whose function
 * the kernel has and names the ones it does not.
 *
 *   klp_init_transition(patch, state)      a transition starts
 *   klp_check_and_switch_task(task, arg)   fexit: 0 the task switched;
 *                                          -EBUSY running, -EINVAL
 *                                          unreliable stack, -EADDRINUSE
 *                                          *arg is on its stack
 *   klp_update_patch_state(task)           a pending task switches (exit to
 *                                          user space, the idle loop, force)
 *   klp_reverse_transition()               the target flips
 *   klp_force_transition()                 force was written
 *   klp_complete_transition()              the transition ends
 *
 * Per-function calls: lp_call is attached by klp-top as a kprobe on each
 * patched function (every call) and on each replacement (the redirected
 * calls), with the probe's slot as its cookie.  lp_walk is never attached:
 * klp-top runs it (BPF_PROG_TEST_RUN) to list the patches' functions.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#include "klp_top.h"
#include "../include/klpx/events.h"
#include "klp_top_maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define LP_EINVAL	22
#define LP_EBUSY	16
#define LP_EADDRINUSE	98
#define LP_REASON_OTHER	5	/* another error: klp-top says "unknown" */

/* x86's TIF_PATCH_PENDING (arch/x86/include/asm/thread_info.h, 6.1) */
const volatile int tif_patch_pending = 13;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KLP_TOP_LP_MAX_PROBES);
	__type(key, __u32);
	__type(value, __u64);
} lp_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KLP_TOP_LP_MAX_FUNCS);
	__type(key, __u32);
	__type(value, struct klp_top_lp_func);
} lp_fns SEC(".maps");

__u32 lp_nr_fns;

static __always_inline void lp_patch_name(char *dst, struct klp_patch *patch)
{
	struct module *mod = BPF_CORE_READ(patch, mod);

	dst[0] = 0;
	if (mod)
		bpf_probe_read_kernel_str(dst, KLP_TOP_NAME_LEN, &mod->name);
}

/* ---- transitions ---- */

SEC("fentry/klp_init_transition")
int BPF_PROG(lp_init_transition, struct klp_patch *patch, int state)
{
	struct klp_top_progress *p = get_progress();
	struct klp_top_event *e;

	if (!p)
		return 0;
	progress_restart(p, state, 0);	/* klp-top counts the tasks in /proc */
	lp_patch_name(p->patch, patch);
	p->active = 1;

	e = event_new(KLP_TOP_TRANSITION_START);
	if (!e)
		return 0;
	lp_patch_name(e->patch, patch);
	e->a = state;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* the transition's own events carry the patch name progress keeps */
static __always_inline int lp_transition_event(__u32 type)
{
	struct klp_top_progress *p = get_progress();
	struct klp_top_event *e;

	if (!p)
		return 0;
	if (type == KLP_TOP_TRANSITION_REVERSE) {
		p->target = !p->target;
		p->reversals++;
	} else if (type == KLP_TOP_TRANSITION_FORCE) {
		p->forced = 1;
	} else if (type == KLP_TOP_TRANSITION_COMPLETE) {
		p->end_ns = bpf_ktime_get_ns();
		p->duration_ns = p->end_ns - p->start_ns;
		p->active = 0;
	}
	e = event_new(type);
	if (!e)
		return 0;
	__builtin_memcpy(e->patch, p->patch, sizeof(e->patch));
	e->a = p->target;
	if (type == KLP_TOP_TRANSITION_COMPLETE) {
		e->b = p->forced;
		e->value = p->duration_ns;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("fentry/klp_reverse_transition")
int BPF_PROG(lp_reverse_transition)
{
	return lp_transition_event(KLP_TOP_TRANSITION_REVERSE);
}

SEC("fentry/klp_force_transition")
int BPF_PROG(lp_force_transition)
{
	return lp_transition_event(KLP_TOP_TRANSITION_FORCE);
}

SEC("fentry/klp_complete_transition")
int BPF_PROG(lp_complete_transition)
{
	return lp_transition_event(KLP_TOP_TRANSITION_COMPLETE);
}

/* ---- tasks ---- */

SEC("fexit/klp_check_and_switch_task")
int BPF_PROG(lp_check_and_switch_task, struct task_struct *task, void *arg,
	     int ret)
{
	struct klp_top_progress *p = get_progress();
	const char *name = NULL;
	int reason;

	if (!p)
		return 0;
	switch (ret) {
	case 0:
		return on_task_switch(task, !p->target, p->target,
				      KLPX_HOW_STACK_CHECK);
	case -LP_EBUSY:
		reason = KLPX_RUNNING;
		break;
	case -LP_EINVAL:
		reason = KLPX_UNRELIABLE;
		break;
	case -LP_EADDRINUSE:
		reason = KLPX_FUNC_ON_STACK;
		/* klp_check_stack() stored func->old_name through arg */
		bpf_probe_read_kernel(&name, sizeof(name), arg);
		break;
	default:
		reason = LP_REASON_OTHER;
	}
	return on_check_fail(task, reason, name);
}

SEC("fentry/klp_update_patch_state")
int BPF_PROG(lp_update_patch_state, struct task_struct *task)
{
	struct klp_top_progress *p = get_progress();
	unsigned long flags = BPF_CORE_READ(task, thread_info.flags);
	int how;

	/* it switches the task only if its flag is set */
	if (!p || !(flags & (1UL << tif_patch_pending)))
		return 0;
	if (task != bpf_get_current_task_btf())
		how = KLPX_HOW_FORCE;	/* klp_force_transition() */
	else if (BPF_CORE_READ(task, pid) == 0)
		how = KLPX_HOW_IDLE;
	else
		how = KLPX_HOW_SYSCALL_EXIT;
	return on_task_switch(task, !p->target, p->target, how);
}

/* ---- per-function calls ---- */

SEC("kprobe")
int lp_call(struct pt_regs *ctx)
{
	__u32 slot = bpf_get_attach_cookie(ctx);
	__u64 *n = bpf_map_lookup_elem(&lp_calls, &slot);

	if (n)
		(*n)++;
	return 0;
}

/* ---- the walk of klp_patches ---- */

/*
 * One step of the walk, a list node at a time: the next patch on
 * klp_patches, the next object on its obj_list, the next func on the
 * object's func_list.  Read without klp_mutex: a patch freed meanwhile
 * reads as garbage (the reads cannot fault) and the walk is bounded.
 */
struct lp_walk {
	__u64 head;	/* &klp_patches */
	__u64 pnode;	/* current patch's list node, 0 before the first */
	__u64 onode;	/* current object's node, 0: start the patch's list */
	__u64 fnode;	/* current func's node, 0: start the object's list */
};

static __always_inline __u64 lp_next(__u64 node)
{
	__u64 next = 0;

	bpf_probe_read_kernel(&next, sizeof(next), (void *)node);
	return next;
}

static long lp_walk_step(__u32 i, struct lp_walk *w)
{
	__u64 ohead, fhead;
	struct klp_patch *patch;
	struct klp_object *obj;
	struct klp_func *func;
	struct klp_top_lp_func *r;
	const char *s;
	__u32 n = lp_nr_fns;

	if (!w->pnode) {
		w->pnode = lp_next(w->head);
		w->onode = 0;
	}
	if (!w->pnode || w->pnode == w->head)
		return 1;
	patch = (void *)(w->pnode - bpf_core_field_offset(struct klp_patch, list));
	ohead = (__u64)patch + bpf_core_field_offset(struct klp_patch, obj_list);
	if (!w->onode) {
		w->onode = lp_next(ohead);
		w->fnode = 0;
	}
	if (!w->onode || w->onode == ohead) {
		w->pnode = lp_next(w->pnode);
		w->onode = 0;
		return !w->pnode || w->pnode == w->head;
	}
	obj = (void *)(w->onode - bpf_core_field_offset(struct klp_object, node));
	fhead = (__u64)obj + bpf_core_field_offset(struct klp_object, func_list);
	if (!w->fnode)
		w->fnode = lp_next(fhead);
	if (!w->fnode || w->fnode == fhead) {
		w->onode = lp_next(w->onode);
		w->fnode = 0;
		return 0;
	}
	func = (void *)(w->fnode - bpf_core_field_offset(struct klp_func, node));
	w->fnode = lp_next(w->fnode);
	if (n >= KLP_TOP_LP_MAX_FUNCS)
		return 1;
	r = bpf_map_lookup_elem(&lp_fns, &n);
	if (!r)
		return 1;
	r->old_func = (__u64)BPF_CORE_READ(func, old_func);
	r->new_func = (__u64)BPF_CORE_READ(func, new_func);
	r->nop = BPF_CORE_READ(func, nop);
	r->patched = BPF_CORE_READ(func, patched);
	lp_patch_name(r->patch, patch);
	s = BPF_CORE_READ(obj, name);
	if (s)
		bpf_probe_read_kernel_str(r->object, sizeof(r->object), s);
	else
		__builtin_memcpy(r->object, "vmlinux", 8);
	r->name[0] = 0;
	s = BPF_CORE_READ(func, old_name);
	if (s)
		bpf_probe_read_kernel_str(r->name, sizeof(r->name), s);
	lp_nr_fns = n + 1;
	return 0;
}

/* run by klp-top with the address of klp_patches as its one argument */
SEC("raw_tp")
int lp_walk(__u64 *ctx)
{
	struct lp_walk w = { .head = ctx[0] };

	lp_nr_fns = 0;
	if (w.head)
		bpf_loop(16 * KLP_TOP_LP_MAX_FUNCS, lp_walk_step, &w, 0);
	return 0;
}
