// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * klp_top.bpf.c - what klp-top sees of klpx: programs on the klp tracepoints.
 *
 * Every program exists twice, as tp_btf (typed arguments, the default) and
 * as raw_tp (the fallback where tp_btf cannot attach); klp-top loads one
 * set.  Both read klpx's structs through CO-RE relocations only.
 *
 * Kept in the maps of klp_top_maps.bpf.h (tasks, progress, stats, the ring
 * buffer "events"), which bpf/klp_top_builtin.bpf.c fills the same way for
 * the built-in livepatch. No program runs per patched call: klp_func_redirect is left
 * to bpftrace; klp-top reads klpx's own per-func call counts from sysfs
 * (tools/klp-top/calls.c).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "klpx_types.h"
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#include "klp_top.h"
#include "../include/klpx/events.h"
#include "klp_top_maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline void read_patch_name(char *dst, struct klpx_patch *p)
{
	struct module *mod = BPF_CORE_READ(p, mod);

	dst[0] = 0;
	if (mod)
		bpf_probe_read_kernel_str(dst, KLP_TOP_NAME_LEN, &mod->name);
}

static __always_inline void read_obj_name(char *dst, struct klpx_object *obj)
{
	const char *name = BPF_CORE_READ(obj, name);

	if (!name) {
		__builtin_memcpy(dst, "vmlinux", 8);
		return;
	}
	bpf_probe_read_kernel_str(dst, KLP_TOP_NAME_LEN, name);
}

/* ---- transitions ---- */

static __always_inline int on_transition_start(struct klpx_patch *patch,
					       int target, unsigned int nr)
{
	struct klp_top_progress *p = get_progress();
	struct klp_top_event *e;

	if (!p)
		return 0;
	progress_restart(p, target, nr);
	read_patch_name(p->patch, patch);
	p->active = 1;

	e = event_new(KLP_TOP_TRANSITION_START);
	if (!e)
		return 0;
	read_patch_name(e->patch, patch);
	e->a = target;
	e->b = nr;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_transition_complete(struct klpx_patch *patch,
						  int target, __u64 ns,
						  bool forced)
{
	struct klp_top_progress *p = get_progress();
	struct klp_top_event *e;

	if (p) {
		p->end_ns = bpf_ktime_get_ns();
		p->duration_ns = ns;
		p->forced = forced;
		p->active = 0;
	}
	e = event_new(KLP_TOP_TRANSITION_COMPLETE);
	if (!e)
		return 0;
	read_patch_name(e->patch, patch);
	e->a = target;
	e->b = forced;
	e->value = ns;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_transition_event(__u32 type,
					       struct klpx_patch *patch,
					       int target)
{
	struct klp_top_progress *p = get_progress();
	struct klp_top_event *e;

	if (p && type == KLP_TOP_TRANSITION_REVERSE) {
		/* who had switched must now switch back, and the others
		 * are where the new target wants them */
		p->switched = p->nr_tasks + p->forks - p->switched;
		p->target = target;
		p->reversals++;
	}
	e = event_new(type);
	if (!e)
		return 0;
	read_patch_name(e->patch, patch);
	e->a = target;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* ---- patch lifecycle, objects, callbacks, replace ---- */

static __always_inline int on_patch_event(__u32 type, struct klpx_patch *patch)
{
	struct klp_top_event *e = event_new(type);

	if (!e)
		return 0;
	read_patch_name(e->patch, patch);
	e->a = BPF_CORE_READ(patch, replace);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_object_event(__u32 type,
					   struct klpx_patch *patch,
					   struct klpx_object *obj)
{
	struct klp_top_event *e = event_new(type);

	if (!e)
		return 0;
	read_patch_name(e->patch, patch);
	read_obj_name(e->name, obj);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_replaced(struct klpx_patch *patch,
				       struct klpx_patch *old)
{
	struct klp_top_event *e = event_new(KLP_TOP_PATCH_REPLACED);

	if (!e)
		return 0;
	read_patch_name(e->patch, patch);
	read_patch_name(e->name, old);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_callback(struct klpx_patch *patch,
				       struct klpx_object *obj,
				       const char *which, int ret)
{
	struct klp_top_event *e = event_new(KLP_TOP_CALLBACK);

	if (!e)
		return 0;
	read_patch_name(e->patch, patch);
	read_obj_name(e->name, obj);
	bpf_probe_read_kernel_str(e->detail, sizeof(e->detail), which);
	e->a = ret;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * Each tracepoint gets a tp_btf and a raw_tp program with the same body.
 * KLP_TOP_PROG(event, args...) expands to both.
 */
#define KLP_TOP_PROG(event, body, ...)					\
SEC("tp_btf/" #event)							\
int BPF_PROG(btf_##event, ##__VA_ARGS__) { return body; }		\
SEC("raw_tp/" #event)							\
int BPF_PROG(raw_##event, ##__VA_ARGS__) { return body; }

KLP_TOP_PROG(klp_task_switch, on_task_switch(t, from, to, how),
	     struct task_struct *t, int from, int to, int how)
KLP_TOP_PROG(klp_stack_check_fail, on_check_fail(t, reason, func ? BPF_CORE_READ(func, old_name) : NULL),
	     struct task_struct *t, int reason, struct klpx_func *func)
KLP_TOP_PROG(klp_task_signal, on_signal(t, signal),
	     struct task_struct *t, bool signal)
KLP_TOP_PROG(klp_transition_start, on_transition_start(patch, target, nr),
	     struct klpx_patch *patch, int target, unsigned int nr)
KLP_TOP_PROG(klp_transition_complete,
	     on_transition_complete(patch, target, ns, forced),
	     struct klpx_patch *patch, int target, __u64 ns, bool forced)
KLP_TOP_PROG(klp_transition_reverse,
	     on_transition_event(KLP_TOP_TRANSITION_REVERSE, patch, target),
	     struct klpx_patch *patch, int target)
KLP_TOP_PROG(klp_transition_force,
	     on_transition_event(KLP_TOP_TRANSITION_FORCE, patch, target),
	     struct klpx_patch *patch, int target)
KLP_TOP_PROG(klp_patch_enable, on_patch_event(KLP_TOP_PATCH_ENABLE, patch),
	     struct klpx_patch *patch)
KLP_TOP_PROG(klp_patch_disable, on_patch_event(KLP_TOP_PATCH_DISABLE, patch),
	     struct klpx_patch *patch)
KLP_TOP_PROG(klp_patch_free, on_patch_event(KLP_TOP_PATCH_FREE, patch),
	     struct klpx_patch *patch)
KLP_TOP_PROG(klp_object_patched,
	     on_object_event(KLP_TOP_OBJECT_PATCHED, patch, obj),
	     struct klpx_patch *patch, struct klpx_object *obj)
KLP_TOP_PROG(klp_object_unpatched,
	     on_object_event(KLP_TOP_OBJECT_UNPATCHED, patch, obj),
	     struct klpx_patch *patch, struct klpx_object *obj)
KLP_TOP_PROG(klp_patch_replaced, on_replaced(patch, old),
	     struct klpx_patch *patch, struct klpx_patch *old)
KLP_TOP_PROG(klp_callback, on_callback(patch, obj, which, ret),
	     struct klpx_patch *patch, struct klpx_object *obj,
	     const char *which, int ret)
