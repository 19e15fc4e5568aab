// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - /sys/kernel/klpx/<patch>/{enabled,transition,force,replace,
 * stack_order}, <object>/patched and <object>/<func,sympos>/.
 *
 * Writes take klpx_mutex. A patch directory is removed by the free work,
 * never from its own store callback (kernfs waits for active callbacks).
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include "core.h"
#include "calls.h"
#include "slots.h"
#include "transition.h"
#include "sysfs.h"

struct kobject *klpx_root_kobj;

static struct klpx_patch *to_patch(struct kobject *kobj)
{
	return container_of(kobj, struct klpx_patch, kobj);
}

/* Exactly "0" or "1", with an optional newline; anything else is -EINVAL. */
static int klpx_parse_bool01(const char *buf, size_t count, bool *val)
{
	if (count == 0 || count > 2 || (count == 2 && buf[1] != '\n'))
		return -EINVAL;
	if (buf[0] != '0' && buf[0] != '1')
		return -EINVAL;
	*val = buf[0] == '1';
	return 0;
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct klpx_patch *patch = to_patch(kobj);
	bool val;
	int ret;

	ret = klpx_parse_bool01(buf, count, &val);
	if (ret)
		return ret;

	mutex_lock(&klpx_mutex);
	if (patch->enabled == val) {
		/* already in the requested state, as upstream refuses it */
		ret = -EINVAL;
	} else if (!val || patch == klpx_transition_patch) {
		ret = klpx_disable_patch(patch);
	} else {
		/* a disabled patch that finished is freed: only reversal */
		ret = -EINVAL;
	}
	mutex_unlock(&klpx_mutex);
	return ret ? ret : count;
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_patch(kobj)->enabled);
}

static ssize_t transition_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(klpx_transition_patch) == to_patch(kobj));
}

static ssize_t force_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct klpx_patch *patch = to_patch(kobj);
	bool val;
	int ret;

	ret = klpx_parse_bool01(buf, count, &val);
	if (ret || !val)
		return -EINVAL;

	mutex_lock(&klpx_mutex);
	if (patch != klpx_transition_patch)
		ret = -EINVAL;
	else
		klpx_transition_force();
	mutex_unlock(&klpx_mutex);
	return ret ? ret : count;
}

static ssize_t replace_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_patch(kobj)->replace);
}

/* 1 for the oldest enabled patch, counting up; as upstream's stack_order */
static ssize_t stack_order_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct klpx_patch *patch = to_patch(kobj), *p;
	int order = 0, i = 0;

	mutex_lock(&klpx_mutex);
	klpx_for_each_patch(p) {
		i++;
		if (p == patch) {
			order = i;
			break;
		}
	}
	mutex_unlock(&klpx_mutex);
	return sysfs_emit(buf, "%d\n", order);
}

static struct kobj_attribute enabled_attr = __ATTR_RW_MODE(enabled, 0644);
static struct kobj_attribute transition_attr = __ATTR_RO(transition);
static struct kobj_attribute force_attr = __ATTR_WO(force);
static struct kobj_attribute replace_attr = __ATTR_RO(replace);
static struct kobj_attribute stack_order_attr = __ATTR_RO(stack_order);

static struct attribute *klpx_patch_attrs[] = {
	&enabled_attr.attr, &transition_attr.attr, &force_attr.attr,
	&replace_attr.attr, &stack_order_attr.attr, NULL
};
ATTRIBUTE_GROUPS(klpx_patch);

static ssize_t patched_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct klpx_object *obj = container_of(kobj, struct klpx_object, kobj);

	return sysfs_emit(buf, "%d\n", obj->patched);
}

static struct kobj_attribute patched_attr = __ATTR_RO(patched);
static struct attribute *klpx_object_attrs[] = { &patched_attr.attr, NULL };
ATTRIBUTE_GROUPS(klpx_object);

static void klpx_kobj_release_patch(struct kobject *kobj)
{
	complete(&to_patch(kobj)->finish);
}

static void klpx_kobj_release_object(struct kobject *kobj)
{
	struct klpx_object *obj = container_of(kobj, struct klpx_object, kobj);

	if (obj->dynamic) {
		kfree(obj->name);
		kfree(obj);
	}
}

static void klpx_kobj_release_func(struct kobject *kobj)
{
	struct klpx_func *func = container_of(kobj, struct klpx_func, kobj);

	/*
	 * A forced patch keeps its module and its counts: a task preempted
	 * in a fast slot after it read this func's struct klpx_fast may still
	 * add to them (the transition that would have waited for it was
	 * forced). A nop is never fast: nothing counts on it any more.
	 */
	if (func->nop || !func->obj->patch->forced)
		klpx_calls_free(func);
	if (func->nop) {
		kfree(func->old_name);
		kfree(func);
	}
}

const struct kobj_type klpx_ktype_patch = {
	.release = klpx_kobj_release_patch,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = klpx_patch_groups,
};

const struct kobj_type klpx_ktype_object = {
	.release = klpx_kobj_release_object,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = klpx_object_groups,
};

const struct kobj_type klpx_ktype_func = {
	.release = klpx_kobj_release_func,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = klpx_func_groups,
};

int klpx_patch_sysfs_add(struct klpx_patch *patch)
{
	return kobject_add(&patch->kobj, klpx_root_kobj, "%s",
			   klpx_patch_name(patch));
}

int klpx_object_sysfs_add(struct klpx_object *obj)
{
	return kobject_add(&obj->kobj, &obj->patch->kobj, "%s",
			   klpx_object_name(obj));
}

int klpx_func_sysfs_add(struct klpx_func *func)
{
	return kobject_add(&func->kobj, &func->obj->kobj, "%s,%lu",
			   func->old_name,
			   func->old_sympos ? func->old_sympos : 1);
}

int klpx_sysfs_init(void)
{
	klpx_root_kobj = kobject_create_and_add("klpx", kernel_kobj);
	return klpx_root_kobj ? 0 : -ENOMEM;
}

void klpx_sysfs_exit(void)
{
	kobject_put(klpx_root_kobj);
}
