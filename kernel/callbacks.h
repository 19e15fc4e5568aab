/* SPDX-License-Identifier: GPL-2.0 */
/*
 * callbacks.h - a patch object's callbacks, called with their
 * tracepoint; post_unpatch only if pre_patch succeeded (or never ran).
 */
#ifndef _KLPX_CALLBACKS_H
#define _KLPX_CALLBACKS_H

#include <klpx/livepatch.h>
#include "trace.h"

static inline int klpx_pre_patch_callback(struct klpx_object *obj)
{
	int ret = 0;

	if (obj->callbacks.pre_patch) {
		ret = obj->callbacks.pre_patch(obj);
		trace_klp_callback(obj->patch, obj, "pre_patch", ret);
	}
	obj->callbacks.post_unpatch_enabled = !ret;
	return ret;
}

static inline void klpx_post_patch_callback(struct klpx_object *obj)
{
	if (obj->callbacks.post_patch) {
		obj->callbacks.post_patch(obj);
		trace_klp_callback(obj->patch, obj, "post_patch", 0);
	}
}

static inline void klpx_pre_unpatch_callback(struct klpx_object *obj)
{
	if (obj->callbacks.pre_unpatch) {
		obj->callbacks.pre_unpatch(obj);
		trace_klp_callback(obj->patch, obj, "pre_unpatch", 0);
	}
}

static inline void klpx_post_unpatch_callback(struct klpx_object *obj)
{
	if (obj->callbacks.post_unpatch_enabled && obj->callbacks.post_unpatch) {
		obj->callbacks.post_unpatch(obj);
		trace_klp_callback(obj->patch, obj, "post_unpatch", 0);
	}
	obj->callbacks.post_unpatch_enabled = false;
}

#endif /* _KLPX_CALLBACKS_H */
