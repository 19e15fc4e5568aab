// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_bad - hands klpx_enable_patch() one malformed patch, chosen by
 * the "bad" parameter, and returns what it said (so insmod fails with that
 * errno). bad=twice enables a good patch, then the same one again: the
 * second call must fail; the module loads and its patch stays enabled.
 * bad=sympos_ok is the good case of a repeated name with old_sympos=2;
 * bad=cbonly adds a vmlinux object with callbacks and no funcs (good: its
 * callbacks log "klpx_test_bad: <callback> vmlinux").
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <klpx/livepatch.h>

static char *bad = "none";
module_param(bad, charp, 0444);

static const char *klpx_bad_answer(void)
{
	return "bad";
}

static int klpx_bad_int(void)
{
	return 0;
}

extern struct module *klpx_target_module(void);

#define OBJ "klpx_test_target"

static struct klpx_func klpx_bad_funcs[3];
static struct klpx_object klpx_bad_objs[3];
static struct klpx_patch klpx_bad_patch = { .mod = THIS_MODULE,
					    .objs = klpx_bad_objs };

static int klpx_bad_pre_patch(struct klpx_object *obj)
{
	pr_info("klpx_test_bad: pre_patch vmlinux\n");
	return 0;
}

static void klpx_bad_post_patch(struct klpx_object *obj)
{
	pr_info("klpx_test_bad: post_patch vmlinux\n");
}

static void klpx_bad_pre_unpatch(struct klpx_object *obj)
{
	pr_info("klpx_test_bad: pre_unpatch vmlinux\n");
}

static void klpx_bad_post_unpatch(struct klpx_object *obj)
{
	pr_info("klpx_test_bad: post_unpatch vmlinux\n");
}

static struct klpx_func klpx_bad_no_funcs[] = { { } };
/* klpx follows exec with a probe in exchange_tids(): not replaceable */
static struct klpx_func klpx_bad_exec_funcs[] = {
	{ .old_name = "exchange_tids", .new_func = klpx_bad_int },
	{ }
};
static void *klpx_bad_heap;

static void klpx_bad_func(int i, const char *name, void *new, unsigned long pos)
{
	klpx_bad_funcs[i].old_name = name;
	klpx_bad_funcs[i].new_func = new;
	klpx_bad_funcs[i].old_sympos = pos;
}

static int __init klpx_bad_init(void)
{
	int ret;

	klpx_bad_objs[0].name = OBJ;
	klpx_bad_objs[0].funcs = klpx_bad_funcs;
	klpx_bad_func(0, "klpx_target_answer", klpx_bad_answer, 0);

	if (!strcmp(bad, "noobjs")) {
		klpx_bad_patch.objs = NULL;
	} else if (!strcmp(bad, "emptyobjs")) {
		klpx_bad_objs[0].name = NULL;
		klpx_bad_objs[0].funcs = NULL;
	} else if (!strcmp(bad, "nofuncs")) {
		klpx_bad_objs[0].funcs = NULL;
	} else if (!strcmp(bad, "null_old_name")) {
		klpx_bad_func(1, NULL, klpx_bad_int, 0);
	} else if (!strcmp(bad, "null_new_func")) {
		klpx_bad_func(1, "klpx_target_wait", NULL, 0);
	} else if (!strcmp(bad, "nosym")) {
		klpx_bad_func(1, "klpx_no_such_function", klpx_bad_int, 0);
	} else if (!strcmp(bad, "sympos_needed")) {
		klpx_bad_func(1, "klpx_target_dup", klpx_bad_int, 0);
	} else if (!strcmp(bad, "sympos_range")) {
		klpx_bad_func(1, "klpx_target_dup", klpx_bad_int, 3);
	} else if (!strcmp(bad, "sympos_ok")) {
		klpx_bad_func(1, "klpx_target_dup", klpx_bad_int, 2);
	} else if (!strcmp(bad, "empty_nocb")) {
		klpx_bad_objs[0].funcs = klpx_bad_no_funcs;
	} else if (!strcmp(bad, "dup_sympos")) {
		klpx_bad_func(1, "klpx_target_answer", klpx_bad_answer, 1);
	} else if (!strcmp(bad, "cbonly")) {
		klpx_bad_objs[1].funcs = klpx_bad_no_funcs;
		klpx_bad_objs[1].callbacks.pre_patch = klpx_bad_pre_patch;
		klpx_bad_objs[1].callbacks.post_patch = klpx_bad_post_patch;
		klpx_bad_objs[1].callbacks.pre_unpatch = klpx_bad_pre_unpatch;
		klpx_bad_objs[1].callbacks.post_unpatch = klpx_bad_post_unpatch;
	} else if (!strcmp(bad, "dup_func")) {
		klpx_bad_func(1, "klpx_target_answer", klpx_bad_answer, 0);
	} else if (!strcmp(bad, "dup_obj")) {
		klpx_bad_objs[1] = klpx_bad_objs[0];
	} else if (!strcmp(bad, "wrong_mod")) {
		klpx_bad_patch.mod = klpx_target_module();
	} else if (!strcmp(bad, "notrace")) {
		klpx_bad_func(1, "klpx_target_notrace", klpx_bad_int, 0);
	} else if (!strcmp(bad, "exec_probe")) {
		klpx_bad_objs[1].funcs = klpx_bad_exec_funcs;
	} else if (!strcmp(bad, "nosize")) {
		/* code kallsyms cannot size: a disable could not see it */
		klpx_bad_heap = kmalloc(16, GFP_KERNEL);
		if (!klpx_bad_heap)
			return -ENOMEM;
		klpx_bad_func(1, "klpx_target_wait", klpx_bad_heap, 0);
	} else if (!strcmp(bad, "vmlinux_nosym")) {
		klpx_bad_objs[1].funcs = klpx_bad_funcs + 1;
		klpx_bad_func(1, "klpx_no_such_function", klpx_bad_int, 0);
	} else if (strcmp(bad, "twice") && strcmp(bad, "none")) {
		return -EDOM;
	}

	ret = klpx_enable_patch(&klpx_bad_patch);
	if (ret) {
		kfree(klpx_bad_heap);
		klpx_bad_heap = NULL;
	}
	if (!strcmp(bad, "twice") && !ret) {
		ret = klpx_enable_patch(&klpx_bad_patch);
		pr_info("klpx_test_bad: second enable returned %d\n", ret);
		return 0;
	}
	return ret;
}

/* an accepted "nosize" (the case fails) keeps its buffer until here */
static void __exit klpx_bad_exit(void)
{
	kfree(klpx_bad_heap);
}

module_init(klpx_bad_init);
module_exit(klpx_bad_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
