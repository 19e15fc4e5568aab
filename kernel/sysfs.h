/* SPDX-License-Identifier: GPL-2.0 */
/* sysfs.h - /sys/kernel/klpx/<patch>/<object>/<func> (sysfs.c) */
#ifndef _KLPX_SYSFS_H
#define _KLPX_SYSFS_H

#include <linux/kobject.h>
#include <klpx/livepatch.h>

extern struct kobject *klpx_root_kobj;
int klpx_sysfs_init(void);
void klpx_sysfs_exit(void);
int klpx_patch_sysfs_add(struct klpx_patch *patch);
int klpx_object_sysfs_add(struct klpx_object *obj);
int klpx_func_sysfs_add(struct klpx_func *func);
extern const struct kobj_type klpx_ktype_patch, klpx_ktype_object,
	klpx_ktype_func;

#endif /* _KLPX_SYSFS_H */
