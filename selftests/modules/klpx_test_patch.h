/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One test patch, built as klpx_test_patch1 and klpx_test_patch2 with
 * KLPX_TP_NAME set: both replace klpx_target_answer() and
 * klpx_target_wait() of klpx_test_target, and answer with their name.
 * They do not link to the target: it may load after them. With
 * KLPX_TP_REPLACE (klpx_test_replace) the patch is an atomic replace.
 */
#include <linux/module.h>
#include <linux/wait.h>
#include <klpx/livepatch.h>

static const char *klpx_tp_answer(void)
{
	return KLPX_TP_NAME;
}

static bool new_wait_sleeps;
module_param(new_wait_sleeps, bool, 0444);
MODULE_PARM_DESC(new_wait_sleeps, "the new klpx_target_wait() sleeps (in this module) until 'wake' is written");

static DECLARE_WAIT_QUEUE_HEAD(klpx_tp_wq);
static bool klpx_tp_woken;

static int klpx_tp_wake_set(const char *val, const struct kernel_param *kp)
{
	WRITE_ONCE(klpx_tp_woken, true);
	wake_up_all(&klpx_tp_wq);
	return 0;
}

static const struct kernel_param_ops klpx_tp_wake_ops = {
	.set = klpx_tp_wake_set,
};
module_param_cb(wake, &klpx_tp_wake_ops, NULL, 0200);
MODULE_PARM_DESC(wake, "write anything: wake the sleepers of new_wait_sleeps");

/*
 * The new klpx_target_wait() does not sleep (unless new_wait_sleeps): a
 * task in the new universe returns at once. (Linking to the target's
 * sleep helper would make the patch module depend on the target, which
 * must be able to load later.)
 */
static noinline int klpx_tp_wait(void)
{
	if (new_wait_sleeps)
		wait_event_interruptible(klpx_tp_wq, READ_ONCE(klpx_tp_woken));
	return 0;
}

static bool late_object;
module_param(late_object, bool, 0444);
MODULE_PARM_DESC(late_object, "also patch klpx_race_inner() of klpx_race_target (answers 0x7f)");

static int klpx_tp_race_inner(void)
{
	return 0x7f;
}

static struct klpx_func klpx_tp_late_funcs[] = {
	{ .old_name = "klpx_race_inner", .new_func = klpx_tp_race_inner },
	{ }
};

static bool patch_wait = true;
module_param(patch_wait, bool, 0444);
MODULE_PARM_DESC(patch_wait, "also replace klpx_target_wait() and klpx_target_kwait() (default 1)");

/* the new klpx_target_kwait() does not sleep either */
static void klpx_tp_kwait(void)
{
}

static struct klpx_func klpx_tp_funcs[] = {
	{ .old_name = "klpx_target_answer", .new_func = klpx_tp_answer },
	{ .old_name = "klpx_target_wait", .new_func = klpx_tp_wait },
	{ .old_name = "klpx_target_kwait", .new_func = klpx_tp_kwait },
	{ }
};

static struct klpx_object klpx_tp_objs[] = {
	{ .name = "klpx_test_target", .funcs = klpx_tp_funcs },
	{ },	/* klpx_race_target with late_object */
	{ }
};

static struct klpx_patch klpx_tp_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_tp_objs,
};

static int __init klpx_tp_init(void)
{
	if (!patch_wait)
		memset(&klpx_tp_funcs[1], 0, 2 * sizeof(klpx_tp_funcs[1]));
	if (late_object) {
		klpx_tp_objs[1].name = "klpx_race_target";
		klpx_tp_objs[1].funcs = klpx_tp_late_funcs;
	}
#ifdef KLPX_TP_REPLACE
	klpx_tp_patch.replace = true;
#endif
	return klpx_enable_patch(&klpx_tp_patch);
}

static void __exit klpx_tp_exit(void)
{
}

module_init(klpx_tp_init);
module_exit(klpx_tp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
