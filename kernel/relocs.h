/* SPDX-License-Identifier: GPL-2.0 */
/* relocs.h - a patch's klp relocations for one object (relocs.c) */
#ifndef _KLPX_RELOCS_H
#define _KLPX_RELOCS_H

#include <klpx/livepatch.h>

int klpx_relocs_check(struct klpx_patch *patch);
int klpx_relocs_apply(struct klpx_object *obj);
void klpx_relocs_clear(struct klpx_object *obj);

#endif /* _KLPX_RELOCS_H */
