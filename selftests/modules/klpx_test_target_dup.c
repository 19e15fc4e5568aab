// SPDX-License-Identifier: GPL-2.0
/* a second klpx_target_dup in the same module: the name occurs twice */
#include <linux/compiler.h>

static noinline int klpx_target_dup(void)
{
	return 2;
}

int klpx_target_dup_caller(void)
{
	return klpx_target_dup();
}
