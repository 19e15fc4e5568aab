// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * klp_top_preflight.bpf.c - klp-top --preflight: every task's kernel
 * stack, read by a task iterator (bpf_get_task_stack), one struct
 * klp_top_pf_task per task written to the iterator's output.  klp-top symbolizes the frames
 * and looks for the functions a patch would replace.  Needs neither klpx
 * nor the built-in livepatch: it works before either loads the patch.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "klp_top.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* the record is too big for the BPF stack: a per-CPU scratch slot */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct klp_top_pf_task);
} pf_scratch SEC(".maps");

SEC("iter/task")
int pf_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct klp_top_pf_task *r;
	__u32 zero = 0;
	long n;

	if (!task)
		return 0;
	r = bpf_map_lookup_elem(&pf_scratch, &zero);
	if (!r)
		return 0;
	r->pid = task->pid;
	r->tgid = task->tgid;
	r->running = task->on_cpu;
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), task->comm);
	n = bpf_get_task_stack(task, r->ips, sizeof(r->ips), 0);
	r->nr = n < 0 ? n : n / sizeof(r->ips[0]);
	bpf_seq_write(ctx->meta->seq, r, sizeof(*r));
	return 0;
}
