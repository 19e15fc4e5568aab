/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A patch that carries system state KLPX_TEST_STATE at "version"
 * (parameter). Its pre_patch prints what klpx_get_prev_state() sees, so a
 * test can see a take-over. Built as klpx_test_state1 and, with
 * KLPX_TS_REPLACE, as the replace patch klpx_test_state2.
 */
#include <linux/module.h>
#include <klpx/livepatch.h>

#define KLPX_TEST_STATE 7

static int version = 1;
module_param(version, int, 0444);

static const char *klpx_ts_answer(void)
{
	return THIS_MODULE->name;
}

static struct klpx_patch klpx_ts_patch;

static int klpx_ts_pre_patch(struct klpx_object *obj)
{
	struct klpx_state *prev = klpx_get_prev_state(KLPX_TEST_STATE);
	struct klpx_state *mine = klpx_get_state(&klpx_ts_patch, KLPX_TEST_STATE);

	pr_info("%s: pre_patch: state %d version %u, previous %s version %d\n",
		THIS_MODULE->name, KLPX_TEST_STATE, mine->version,
		prev ? "found" : "none", prev ? (int)prev->version : -1);
	return 0;
}

static struct klpx_func klpx_ts_funcs[] = {
	{ .old_name = "klpx_target_answer", .new_func = klpx_ts_answer },
	{ }
};

static struct klpx_object klpx_ts_objs[] = {
	{ .name = "klpx_test_target", .funcs = klpx_ts_funcs,
	  .callbacks = { .pre_patch = klpx_ts_pre_patch } },
	{ }
};

static struct klpx_state klpx_ts_states[] = {
	{ .id = KLPX_TEST_STATE },
	{ }
};

static struct klpx_patch klpx_ts_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_ts_objs,
	.states = klpx_ts_states,
#ifdef KLPX_TS_REPLACE
	.replace = true,
#endif
};

static int __init klpx_ts_init(void)
{
	klpx_ts_states[0].version = version;
	return klpx_enable_patch(&klpx_ts_patch);
}

static void __exit klpx_ts_exit(void)
{
}

module_init(klpx_ts_init);
module_exit(klpx_ts_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
