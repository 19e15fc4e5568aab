/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * klpx_types.h - the fields of klpx's structs that the BPF programs read.
 *
 * Only the fields used are declared; preserve_access_index makes every
 * access a CO-RE relocation, resolved at load time against klpx.ko's own
 * BTF (/sys/kernel/btf/klpx), so a klpx built with another layout still
 * works.  The full structs are in include/klpx/livepatch.h.
 */
#ifndef _KLPX_TYPES_H
#define _KLPX_TYPES_H

struct klpx_patch {
	struct module *mod;
	bool replace;
} __attribute__((preserve_access_index));

struct klpx_object {
	const char *name;
	struct klpx_patch *patch;
} __attribute__((preserve_access_index));

struct klpx_func {
	const char *old_name;
	void *old_func;
	struct klpx_object *obj;
} __attribute__((preserve_access_index));

#endif /* _KLPX_TYPES_H */
