/* SPDX-License-Identifier: GPL-2.0 */
/* module.h - objects of modules that come and go (module.c) */
#ifndef _KLPX_MODULE_H
#define _KLPX_MODULE_H

#include <linux/module.h>

struct module *klpx_object_module(const char *name);
int klpx_module_notify_init(void);
void klpx_module_notify_exit(void);

#endif /* _KLPX_MODULE_H */
