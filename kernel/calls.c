// SPDX-License-Identifier: GPL-2.0
/*
 * calls.c - per-func call counts: allocation, sums, and their sysfs files
 * (see calls.h).
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "calls.h"

int klpx_calls_init(struct klpx_func *func)
{
	func->calls = alloc_percpu(struct klpx_calls);
	if (!func->calls)
		return -ENOMEM;
	func->fast.target = (unsigned long)func->new_func;
	func->fast.count = &func->calls->to_new;
	return 0;
}

void klpx_calls_free(struct klpx_func *func)
{
	free_percpu(func->calls);
	func->calls = NULL;
}

/* Sums over every possible CPU: a CPU that went offline keeps its count. */
void klpx_calls_sum(const struct klpx_func *func, u64 *to_new, u64 *to_old)
{
	const struct klpx_calls *c;
	int cpu;

	*to_new = 0;
	*to_old = 0;
	if (!func->calls)
		return;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(func->calls, cpu);
		*to_new += READ_ONCE(c->to_new);
		*to_old += READ_ONCE(c->to_old);
	}
}

static ssize_t calls_new_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct klpx_func *func = container_of(kobj, struct klpx_func, kobj);
	u64 to_new, to_old;

	klpx_calls_sum(func, &to_new, &to_old);
	return sysfs_emit(buf, "%llu\n", to_new);
}

static ssize_t calls_old_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct klpx_func *func = container_of(kobj, struct klpx_func, kobj);
	u64 to_new, to_old;

	klpx_calls_sum(func, &to_new, &to_old);
	return sysfs_emit(buf, "%llu\n", to_old);
}

static struct kobj_attribute calls_new_attr = __ATTR_RO(calls_new);
static struct kobj_attribute calls_old_attr = __ATTR_RO(calls_old);

static struct attribute *klpx_func_attrs[] = {
	&calls_new_attr.attr,
	&calls_old_attr.attr,
	NULL,
};

static const struct attribute_group klpx_func_group = {
	.attrs = klpx_func_attrs,
};

/* the func directory's files (klpx_ktype_func, sysfs.c) */
const struct attribute_group *klpx_func_groups[] = {
	&klpx_func_group,
	NULL,
};
