// SPDX-License-Identifier: GPL-2.0
/*
 * shadow.c - shadow variables: data a patch attaches to objects that
 * already exist (a struct the old code allocated has no room for a new
 * field), found again by the object's address and an id.
 *
 * Locking: klpx_shadow_lock (a spinlock, irq-safe) serialises writers;
 * readers look up under rcu_read_lock(). Entries are freed after a grace
 * period, so a reader never sees freed memory. Constructors and
 * destructors run under the lock: they must not sleep.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <klpx/livepatch.h>

static DEFINE_HASHTABLE(klpx_shadow_hash, 12);
static DEFINE_SPINLOCK(klpx_shadow_lock);

struct klpx_shadow {
	struct hlist_node node;
	struct rcu_head rcu;
	void *obj;
	unsigned long id;
	char data[];
};

static bool klpx_shadow_match(struct klpx_shadow *s, void *obj,
			      unsigned long id)
{
	return s->obj == obj && s->id == id;
}

/**
 * klpx_shadow_get() - the data of @obj's shadow variable @id, or NULL
 */
void *klpx_shadow_get(void *obj, unsigned long id)
{
	struct klpx_shadow *s;
	void *data = NULL;

	rcu_read_lock();
	hash_for_each_possible_rcu(klpx_shadow_hash, s, node,
				   (unsigned long)obj) {
		if (klpx_shadow_match(s, obj, id)) {
			data = s->data;
			break;
		}
	}
	rcu_read_unlock();
	return data;
}
EXPORT_SYMBOL_GPL(klpx_shadow_get);

static void *__klpx_shadow_alloc(void *obj, unsigned long id, size_t size,
				 gfp_t gfp, klpx_shadow_ctor_t ctor,
				 void *ctor_data, bool warn_on_exist)
{
	struct klpx_shadow *new;
	unsigned long flags;
	void *data;
	int ret;

	data = klpx_shadow_get(obj, id);
	if (data)
		goto exists;

	/* allocated outside the lock: @gfp may sleep */
	new = kzalloc(struct_size(new, data, size), gfp);
	if (!new)
		return NULL;

	spin_lock_irqsave(&klpx_shadow_lock, flags);
	data = klpx_shadow_get(obj, id);
	if (data) {
		spin_unlock_irqrestore(&klpx_shadow_lock, flags);
		kfree(new);
		goto exists;
	}
	new->obj = obj;
	new->id = id;
	if (ctor) {
		ret = ctor(obj, new->data, ctor_data);
		if (ret) {
			spin_unlock_irqrestore(&klpx_shadow_lock, flags);
			pr_err("shadow <%p, %lx>: constructor failed (%d)\n",
			       obj, id, ret);
			kfree(new);
			return NULL;
		}
	}
	hash_add_rcu(klpx_shadow_hash, &new->node, (unsigned long)obj);
	spin_unlock_irqrestore(&klpx_shadow_lock, flags);
	return new->data;

exists:
	if (warn_on_exist) {
		pr_err("shadow <%p, %lx>: already exists\n", obj, id);
		return NULL;
	}
	return data;
}

/**
 * klpx_shadow_alloc() - attach a new shadow variable to @obj
 *
 * Returns its zeroed (then constructed) data, or NULL if one with @id
 * exists already, the allocation failed or @ctor failed.
 */
void *klpx_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp,
			klpx_shadow_ctor_t ctor, void *ctor_data)
{
	return __klpx_shadow_alloc(obj, id, size, gfp, ctor, ctor_data, true);
}
EXPORT_SYMBOL_GPL(klpx_shadow_alloc);

/**
 * klpx_shadow_get_or_alloc() - the shadow variable, made if missing
 */
void *klpx_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			       gfp_t gfp, klpx_shadow_ctor_t ctor,
			       void *ctor_data)
{
	return __klpx_shadow_alloc(obj, id, size, gfp, ctor, ctor_data, false);
}
EXPORT_SYMBOL_GPL(klpx_shadow_get_or_alloc);

static void klpx_shadow_drop(struct klpx_shadow *s, klpx_shadow_dtor_t dtor)
{
	hash_del_rcu(&s->node);
	if (dtor)
		dtor(s->obj, s->data);
	kfree_rcu(s, rcu);
}

/**
 * klpx_shadow_free() - detach and free @obj's shadow variable @id
 */
void klpx_shadow_free(void *obj, unsigned long id, klpx_shadow_dtor_t dtor)
{
	struct klpx_shadow *s;
	unsigned long flags;

	spin_lock_irqsave(&klpx_shadow_lock, flags);
	hash_for_each_possible(klpx_shadow_hash, s, node, (unsigned long)obj) {
		if (klpx_shadow_match(s, obj, id)) {
			klpx_shadow_drop(s, dtor);
			break;
		}
	}
	spin_unlock_irqrestore(&klpx_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(klpx_shadow_free);

/**
 * klpx_shadow_free_all() - free the shadow variables @id of every object
 */
void klpx_shadow_free_all(unsigned long id, klpx_shadow_dtor_t dtor)
{
	struct hlist_node *tmp;
	struct klpx_shadow *s;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&klpx_shadow_lock, flags);
	hash_for_each_safe(klpx_shadow_hash, bkt, tmp, s, node)
		if (s->id == id)
			klpx_shadow_drop(s, dtor);
	spin_unlock_irqrestore(&klpx_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(klpx_shadow_free_all);
