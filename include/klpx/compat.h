/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - build a patch module written for the kernel's livepatch API
 * against klpx: replace
 *	#include <linux/livepatch.h>
 * with
 *	#include <klpx/compat.h>
 * and nothing else. Every upstream klp_ spelling maps onto klpx; the types
 * the module ends up with (and their BTF names) are klpx_*.
 * Do not include <linux/livepatch.h> in the same file.
 */
#ifndef _KLPX_COMPAT_H
#define _KLPX_COMPAT_H

#include <klpx/livepatch.h>

#define klp_func		klpx_func
#define klp_object		klpx_object
#define klp_patch		klpx_patch
#define klp_callbacks		klpx_callbacks
#define klp_state		klpx_state
#define klp_shadow_ctor_t	klpx_shadow_ctor_t
#define klp_shadow_dtor_t	klpx_shadow_dtor_t

#define klp_enable_patch	klpx_enable_patch
#define klp_shadow_get		klpx_shadow_get
#define klp_shadow_alloc	klpx_shadow_alloc
#define klp_shadow_get_or_alloc	klpx_shadow_get_or_alloc
#define klp_shadow_free		klpx_shadow_free
#define klp_shadow_free_all	klpx_shadow_free_all
#define klp_get_state		klpx_get_state
#define klp_get_prev_state	klpx_get_prev_state

#define klp_for_each_object_static	klpx_for_each_object_static
#define klp_for_each_object		klpx_for_each_object
#define klp_for_each_func_static	klpx_for_each_func_static
#define klp_for_each_func		klpx_for_each_func

#endif /* _KLPX_COMPAT_H */
