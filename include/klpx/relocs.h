/* SPDX-License-Identifier: GPL-2.0 */
/*
 * relocs.h - reach kernel symbols that are not exported from a patch:
 * static functions and variables of vmlinux or of the patched module.
 *
 *	extern int some_static_helper(int x);
 *	KLPX_SYMBOL(vmlinux, some_static_helper, 0);
 *
 *	extern int klpx_target_helper(void);
 *	KLPX_SYMBOL(klpx_test_target, klpx_target_helper, 0);
 *
 * object: vmlinux or the module's name; sympos: 0 for a name that occurs
 * once in the object, N for its N-th occurrence in kallsyms order (the
 * same rule as a func's old_sympos). After the build, scripts/klpx-convert
 * turns every reference to a declared symbol into a klp relocation
 * (docs/patch-author.md); the kernel's loader (vmlinux) or klpx (a module,
 * when it is loaded) resolves it. A module that was not converted is
 * refused by klpx_enable_patch().
 *
 * The macro makes the reference weak, so that modpost does not report the
 * symbol as undefined, and records "object symbol sympos" as an ELF note
 * (name "klpx", type 1) in the non-allocated section .note.klpx.syms, which
 * only klpx-convert reads (readelf -n shows it). It
 * needs nothing of klpx: a patch for the built-in livepatch uses it too.
 */
#ifndef _KLPX_RELOCS_H
#define _KLPX_RELOCS_H

#include <linux/stringify.h>

#define KLPX_SYMBOL(obj, sym, sympos)					\
	_Pragma(__stringify(weak sym))					\
	asm(".pushsection .note.klpx.syms,\"\",@note\n\t"		\
	    ".balign 4\n\t"						\
	    ".long 5, 2f - 1f, 1\n\t"					\
	    ".asciz \"klpx\"\n\t"					\
	    ".balign 4\n"						\
	    "1:\t.asciz \"" #obj " " #sym " " #sympos "\"\n"		\
	    "2:\t.balign 4\n\t"						\
	    ".popsection")

#endif /* _KLPX_RELOCS_H */
