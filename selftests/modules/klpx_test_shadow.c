// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_shadow - exercises the shadow variable API at load and prints
 * one "klpx_test_shadow: ok <what>" line per check (or "FAIL <what>").
 * Then 4 kthreads race get_or_alloc/free on 16 objects; constructor and
 * destructor calls must balance after free_all.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <klpx/livepatch.h>

#define ID 0x6b6c7078UL
#define NOBJ 16
#define NTHREADS 4
#define ROUNDS 2000

static int objs[NOBJ];
static atomic_t ctors, dtors;
static DECLARE_COMPLETION(done);
static atomic_t running;

static int ctor(void *obj, void *data, void *arg)
{
	*(int *)data = *(int *)arg;
	atomic_inc(&ctors);
	return 0;
}

static void dtor(void *obj, void *data)
{
	atomic_inc(&dtors);
}

#define CHECK(cond, what) \
	pr_info("klpx_test_shadow: %s %s\n", (cond) ? "ok" : "FAIL", what)

static int racer(void *arg)
{
	int i, v = 7, *d;

	for (i = 0; i < ROUNDS; i++) {
		d = klpx_shadow_get_or_alloc(&objs[i % NOBJ], ID, sizeof(int),
					     GFP_KERNEL, ctor, &v);
		if (!d || *d != 7)
			pr_info("klpx_test_shadow: FAIL race value\n");
		if (i % 3 == 0)
			klpx_shadow_free(&objs[(i + 5) % NOBJ], ID, dtor);
		cond_resched();
	}
	if (atomic_dec_and_test(&running))
		complete(&done);
	return 0;
}

static int __init klpx_shadow_test_init(void)
{
	int v = 42, *a, *b, i;

	CHECK(!klpx_shadow_get(&objs[0], ID), "get of a missing variable is NULL");
	a = klpx_shadow_alloc(&objs[0], ID, sizeof(int), GFP_KERNEL, ctor, &v);
	CHECK(a && *a == 42, "alloc runs the constructor");
	CHECK(klpx_shadow_get(&objs[0], ID) == a, "get finds it");
	CHECK(!klpx_shadow_get(&objs[0], ID + 1), "another id is another variable");
	CHECK(!klpx_shadow_alloc(&objs[0], ID, sizeof(int), GFP_KERNEL, NULL, NULL),
	      "alloc of an existing variable fails");
	b = klpx_shadow_get_or_alloc(&objs[0], ID, sizeof(int), GFP_KERNEL, ctor, &v);
	CHECK(b == a, "get_or_alloc returns the existing one");
	klpx_shadow_free(&objs[0], ID, dtor);
	CHECK(!klpx_shadow_get(&objs[0], ID) && atomic_read(&dtors) == 1,
	      "free runs the destructor and detaches");
	for (i = 0; i < NOBJ; i++)
		klpx_shadow_alloc(&objs[i], ID, sizeof(int), GFP_KERNEL, ctor, &v);
	klpx_shadow_free_all(ID, dtor);
	CHECK(atomic_read(&dtors) == 1 + NOBJ && !klpx_shadow_get(&objs[3], ID),
	      "free_all frees every object's variable");

	atomic_set(&ctors, 0);
	atomic_set(&dtors, 0);
	atomic_set(&running, NTHREADS);
	for (i = 0; i < NTHREADS; i++)
		kthread_run(racer, NULL, "klpx_shadow/%d", i);
	wait_for_completion(&done);
	klpx_shadow_free_all(ID, dtor);
	CHECK(atomic_read(&ctors) == atomic_read(&dtors) && atomic_read(&ctors) > 0,
	      "concurrent get_or_alloc/free balance constructors and destructors");
	return 0;
}

static void __exit klpx_shadow_test_exit(void)
{
}

module_init(klpx_shadow_test_init);
module_exit(klpx_shadow_test_exit);
MODULE_LICENSE("GPL");
