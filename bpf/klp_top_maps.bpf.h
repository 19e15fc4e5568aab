/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * klp_top_maps.bpf.h - what both cores' BPF programs keep and send
 * (bpf/klp_top.bpf.c for klpx, bpf/klp_top_builtin.bpf.c for the kernel's
 * built-in livepatch): the maps klp-top reads, and the per-task and event
 * helpers that fill them.
 * Included by one .bpf.c each: every map is defined once per object.
 *
 *   tasks     per-task universe, last failure and its function (LRU)
 *   progress  the current or last transition
 *   stats     events sent and dropped
 *   events    ring buffer of every event but redirects
 */
#ifndef _KLP_TOP_MAPS_BPF_H
#define _KLP_TOP_MAPS_BPF_H


struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, KLP_TOP_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct klp_top_task);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct klp_top_progress);
} progress SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct klp_top_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

static __always_inline struct klp_top_stats *get_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

static __always_inline struct klp_top_progress *get_progress(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&progress, &zero);
}

/* reserves an event, or counts the drop; the caller fills and submits */
/*
 * A transition starts: a fresh record of generation gen + 1, counters of
 * the last one dropped; the caller writes the patch name, then sets
 * @active.
 */
static __always_inline void progress_restart(struct klp_top_progress *p,
					     int target, __u32 nr_tasks)
{
	p->active = 0;
	p->gen++;
	p->target = target;
	p->nr_tasks = nr_tasks;
	p->start_ns = bpf_ktime_get_ns();
	p->end_ns = p->duration_ns = 0;
	p->switched = p->forks = p->fails = p->signals = 0;
	for (int i = 0; i < KLP_TOP_NR_HOW; i++)
		p->how[i] = 0;
	p->reversals = p->forced = 0;
}

static __always_inline struct klp_top_event *event_new(__u32 type)
{
	struct klp_top_stats *st = get_stats();
	struct klp_top_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		if (st)
			st->dropped++;
		return NULL;
	}
	if (st)
		st->events++;
	__builtin_memset(e, 0, sizeof(*e));
	e->type = type;
	e->ts_ns = bpf_ktime_get_ns();
	return e;
}

static __always_inline void event_task(struct klp_top_event *e,
				       struct task_struct *t)
{
	e->pid = BPF_CORE_READ(t, pid);
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &t->comm);
}

/* ---- per-task records ---- */

static __always_inline struct klp_top_task *task_rec(struct task_struct *t,
						  __u32 gen)
{
	__u32 pid = BPF_CORE_READ(t, pid);
	struct klp_top_task *r, init = {};
	struct klp_top_stats *st;

	r = bpf_map_lookup_elem(&tasks, &pid);
	if (r && r->gen == gen)
		return r;
	init.gen = gen;
	init.universe = -1;
	init.how = -1;
	bpf_probe_read_kernel_str(init.comm, sizeof(init.comm), &t->comm);
	if (bpf_map_update_elem(&tasks, &pid, &init, BPF_ANY) == 0)
		r = bpf_map_lookup_elem(&tasks, &pid);
	else
		r = NULL;
	if (!r) {
		st = get_stats();
		if (st)
			st->task_map_full++;
	}
	return r;
}

/* every switch point has a counter (klpx/events.h's list, klp_top.h's array) */
_Static_assert(KLPX_NR_HOWS <= KLP_TOP_NR_HOW, "klp_top_progress.how[] has a counter per enum klpx_how");

static __always_inline int on_task_switch(struct task_struct *t, int from,
					  int to, int how)
{
	struct klp_top_progress *p = get_progress();
	struct klp_top_event *e;
	struct klp_top_task *r;

	if (!p)
		return 0;
	if (how == KLPX_HOW_FORK)
		__sync_fetch_and_add(&p->forks, 1);
	if (to == p->target)
		__sync_fetch_and_add(&p->switched, 1);
	if (how >= 0 && how < KLP_TOP_NR_HOW)
		__sync_fetch_and_add(&p->how[how & (KLP_TOP_NR_HOW - 1)], 1);
	r = task_rec(t, p->gen);
	if (r) {
		r->universe = to;
		r->how = how;
		r->reason = KLPX_SWITCH_OK;
		r->switch_ns = bpf_ktime_get_ns();
	}
	e = event_new(KLP_TOP_TASK_SWITCH);
	if (!e)
		return 0;
	event_task(e, t);
	e->a = from;
	e->b = to;
	e->c = how;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* @fname: the function on the task's stack, or NULL */
static __always_inline int on_check_fail(struct task_struct *t, int reason,
					 const char *fname)
{
	struct klp_top_progress *p = get_progress();
	struct klp_top_event *e;
	struct klp_top_task *r;
	__u64 now = bpf_ktime_get_ns();

	if (!p)
		return 0;
	__sync_fetch_and_add(&p->fails, 1);
	r = task_rec(t, p->gen);
	if (r) {
		if (r->universe < 0)
			r->universe = !p->target;
		r->reason = reason;
		r->fails++;
		if (!r->first_fail_ns)
			r->first_fail_ns = now;
		r->last_fail_ns = now;
		r->func[0] = 0;
		if (fname)
			bpf_probe_read_kernel_str(r->func, sizeof(r->func),
						  fname);
	}
	e = event_new(KLP_TOP_STACK_CHECK_FAIL);
	if (!e)
		return 0;
	event_task(e, t);
	e->a = reason;
	if (fname)
		bpf_probe_read_kernel_str(e->name, sizeof(e->name), fname);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_signal(struct task_struct *t, bool signal)
{
	struct klp_top_progress *p = get_progress();
	struct klp_top_event *e;
	struct klp_top_task *r;

	if (!p)
		return 0;
	__sync_fetch_and_add(&p->signals, 1);
	r = task_rec(t, p->gen);
	if (r)
		r->signals++;
	e = event_new(KLP_TOP_TASK_SIGNAL);
	if (!e)
		return 0;
	event_task(e, t);
	e->a = signal;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

#endif /* _KLP_TOP_MAPS_BPF_H */
