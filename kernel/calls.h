/* SPDX-License-Identifier: GPL-2.0 */
/*
 * calls.h - per-func call counts (calls.c).
 *
 * Every call of a patched function is counted once, per CPU, against the
 * func at the top of the function's stack when the call was made: in
 * to_new if it went to new code, in to_old if the original ran. A fast
 * slot counts in its assembly (slots_64.S: func->fast.count is
 * &func->calls->to_new), the slow path in klpx_calls_count(). Counting
 * needs no observer: klp-top reads the sums from sysfs
 * (/sys/kernel/klpx/<patch>/<object>/<func,sympos>/calls_new, calls_old).
 *
 * Lifetime: func->calls is allocated before the func can be on a stack
 * (klpx_init_patch()) and freed with the func's kobject, after the func
 * left its stack and no slot or slow path can still count on it: a task
 * inside a fast slot holds up the transition that takes the func off.
 * A forced transition does not wait for it, so a forced patch's counts
 * are never freed (its module is kept too). Nops have counts as well: the
 * slow path counts against whatever func tops the stack.
 */
#ifndef _KLPX_CALLS_H
#define _KLPX_CALLS_H

#include <linux/percpu.h>
#include <klpx/livepatch.h>

int klpx_calls_init(struct klpx_func *func);
void klpx_calls_free(struct klpx_func *func);
void klpx_calls_sum(const struct klpx_func *func, u64 *to_new, u64 *to_old);
extern const struct attribute_group *klpx_func_groups[];

/* The slow path sent a call of @top's function on; preemption off. */
static __always_inline void klpx_calls_count(struct klpx_func *top,
					     bool to_new)
{
	if (to_new)
		__this_cpu_inc(top->calls->to_new);
	else
		__this_cpu_inc(top->calls->to_old);
}

#endif /* _KLPX_CALLS_H */
