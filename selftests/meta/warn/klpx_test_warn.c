// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_warn - a module whose init WARNs and succeeds.
 *
 * Only for the bench's own test (make check-bench): it proves that a
 * WARN in the guest kernel log fails the run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/bug.h>

static int __init klpx_test_warn_init(void)
{
	pr_info("about to WARN on purpose\n");
	WARN_ON(1);
	return 0;
}

static void __exit klpx_test_warn_exit(void)
{
}

module_init(klpx_test_warn_init);
module_exit(klpx_test_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpx bench self-test: a module that WARNs on load");
