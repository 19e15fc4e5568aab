// SPDX-License-Identifier: GPL-2.0
/*
 * relocs.c - a patch's klp relocations for one object.
 *
 * A patch module made by a patch generator (or scripts/klpx-convert)
 * reaches the kernel's non-exported symbols through klp relocations:
 * SHF_RELA_LIVEPATCH sections named .klp.rela.<obj>.<section> whose
 * symbols are .klp.sym.<obj>.<name>,<sympos> with st_shndx SHN_LIVEPATCH.
 *
 * What the 6.1 module loader does (docs/patch-author.md has file:line):
 * it skips SHN_LIVEPATCH symbols, hands every SHF_RELA_LIVEPATCH section
 * to the built-in livepatch, which applies the .klp.rela.vmlinux.* ones
 * at load time (the patch module is not running yet) and leaves the
 * module ones; for a module marked MODULE_INFO(livepatch, "Y") it keeps
 * the section headers, their names and the index of the symbol table in
 * mod->klp_info, the symbol table itself (every symbol) in
 * mod->core_kallsyms. A module's relocation section stays in memory only
 * if it is SHF_ALLOC (klpx-convert sets it).
 *
 * So klpx applies the module ones: for an object whose module is loaded,
 * at enable or when the module comes, before any of the object's funcs is
 * patched; an unresolvable symbol refuses the patch or the module. 6.1
 * never clears them (no clear_relocate_add yet), and the kernel's writer
 * refuses a place that is not zero: klpx zeroes them when the module goes
 * or when the object failed to come, so they apply again next time.
 *
 * Locking: klpx_mutex held by every caller of klpx_relocs_apply() and
 * klpx_relocs_clear(), so an object's module, its relocation state and
 * the patch's symbol table do not change under us. klpx_relocs_check()
 * runs before the enable takes it: it reads only the patch module's own
 * section headers, which the loader wrote and nothing changes.
 * The patch module's text is read-only from complete_formation() on,
 * before its init runs: it is written with text_poke() under text_mutex
 * (apply_relocate_add() takes it itself for a module past UNFORMED; the
 * clear takes it here). The order klpx_mutex -> text_mutex is the one
 * ftrace already has under klpx_mutex (ftrace_lock -> text_mutex).
 *
 * x86_64 only, like the rest of klpx.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/elf.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include "core.h"
#include "symbols.h"
#include "relocs.h"

/* every relocation a patch section holds must be one of these (x86_64) */
static unsigned int klpx_rela_size(unsigned int type)
{
	switch (type) {
	case R_X86_64_64:
	case R_X86_64_PC64:
		return 8;
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		return 4;
	}
	return 0;
}

/*
 * The object a .klp.rela.<obj>.<section> or .klp.sym.<obj>.<name> names,
 * into @obj (MODULE_NAME_LEN); returns what follows the '.' after it, or
 * NULL if @name is not such a name.
 */
static const char *klpx_klp_name(const char *name, const char *prefix,
				 char *obj)
{
	size_t plen = strlen(prefix);
	const char *dot;

	if (strncmp(name, prefix, plen))
		return NULL;
	name += plen;
	dot = strchr(name, '.');
	if (!dot || dot == name || dot - name >= MODULE_NAME_LEN)
		return NULL;
	memcpy(obj, name, dot - name);
	obj[dot - name] = '\0';
	return dot + 1;
}

static struct klp_modinfo *klpx_modinfo(struct klpx_patch *patch)
{
	return patch->mod->klp_info;
}

/* Section @i of the patch module is a klp relocation section of @obj. */
static bool klpx_rela_of(struct klpx_object *obj, unsigned int i)
{
	struct klp_modinfo *info = klpx_modinfo(obj->patch);
	Elf_Shdr *sec = info->sechdrs + i;
	char name[MODULE_NAME_LEN];

	if (!(sec->sh_flags & SHF_RELA_LIVEPATCH) ||
	    sec->sh_info >= info->hdr.e_shnum ||
	    !(info->sechdrs[sec->sh_info].sh_flags & SHF_ALLOC))
		return false;
	if (!klpx_klp_name(info->secstrings + sec->sh_name, ".klp.rela.", name))
		return false;
	return !strcmp(name, klpx_object_name(obj));
}

#define klpx_for_each_rela_of(obj, info, i)				\
	for (i = 1; i < (info)->hdr.e_shnum; i++)			\
		if (klpx_rela_of(obj, i))

/*
 * Writes the address of each symbol of section @i into the patch's symbol
 * table; the first one that cannot be resolved refuses, named once.
 */
static int klpx_resolve_rela(struct klpx_object *obj, unsigned int i)
{
	struct klpx_patch *patch = obj->patch;
	const char *pname = klpx_patch_name(patch);
	struct klp_modinfo *info = klpx_modinfo(patch);
	const char *strtab = patch->mod->core_kallsyms.strtab;
	Elf_Shdr *sec = info->sechdrs + i;
	Elf_Rela *rela = (Elf_Rela *)sec->sh_addr;
	char symobj[MODULE_NAME_LEN], *name;
	unsigned long n, pos, addr, count;
	const char *rest, *comma;
	Elf_Sym *sym;
	int ret = 0;

	/* a name is at most KSYM_NAME_LEN: not on the notifier's stack */
	name = kmalloc(KSYM_NAME_LEN, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	for (n = 0; n < sec->sh_size / sizeof(*rela); n++) {
		sym = (Elf_Sym *)info->sechdrs[info->symndx].sh_addr +
		      ELF_R_SYM(rela[n].r_info);
		rest = klpx_klp_name(strtab + sym->st_name, ".klp.sym.", symobj);
		comma = rest ? strrchr(rest, ',') : NULL;
		if (sym->st_shndx != SHN_LIVEPATCH || !comma ||
		    comma == rest || comma - rest >= KSYM_NAME_LEN ||
		    kstrtoul(comma + 1, 10, &pos)) {
			pr_err("patch '%s': symbol '%s' in %s is not a .klp.sym.<object>.<name>,<sympos> symbol\n",
			       pname, strtab + sym->st_name,
			       info->secstrings + sec->sh_name);
			ret = -EINVAL;
			break;
		}
		memcpy(name, rest, comma - rest);
		name[comma - rest] = '\0';
		/* as in 6.1: vmlinux symbols come from vmlinux sections */
		if (obj->name && !strcmp(symobj, "vmlinux")) {
			pr_err("patch '%s': symbol '%s' of vmlinux in a relocation section of object '%s' (use .klp.rela.vmlinux.*)\n",
			       pname, name, obj->name);
			ret = -EINVAL;
			break;
		}
		addr = klpx_lookup_symbol(strcmp(symobj, "vmlinux") ? symobj : NULL,
					  name, pos, &count);
		if (!addr) {
			if (!count)
				pr_err("patch '%s': symbol '%s' not found in object '%s'\n",
				       pname, name, symobj);
			else if (!pos)
				pr_err("patch '%s': symbol '%s' occurs %lu times in object '%s': sympos needed\n",
				       pname, name, count, symobj);
			else
				pr_err("patch '%s': sympos %lu of symbol '%s' out of range (%lu in object '%s')\n",
				       pname, pos, name, count, symobj);
			ret = count ? -EINVAL : -ENOENT;
			break;
		}
		sym->st_value = addr;
	}
	kfree(name);
	return ret;
}

/*
 * Zeroes every place the relocations of @obj write in the patch module
 * (the kernel's writer wants zero there), whether they were applied or
 * not: the patch module came with zeroes in them.
 */
void klpx_relocs_clear(struct klpx_object *obj)
{
	struct klp_modinfo *info = klpx_modinfo(obj->patch);
	static const u64 zero;
	unsigned int i, size;
	unsigned long n;
	bool poked = false;
	Elf_Rela *rela;
	Elf_Shdr *sec;
	void *loc;

	lockdep_assert_held(&klpx_mutex);
	if (!obj->name)
		return;		/* vmlinux: applied once by the loader */
	mutex_lock(klpx_text_mutex);
	klpx_for_each_rela_of(obj, info, i) {
		sec = info->sechdrs + i;
		rela = (Elf_Rela *)sec->sh_addr;
		for (n = 0; n < sec->sh_size / sizeof(*rela); n++) {
			size = klpx_rela_size(ELF_R_TYPE(rela[n].r_info));
			loc = (void *)info->sechdrs[sec->sh_info].sh_addr +
			      rela[n].r_offset;
			if (!size || !memchr_inv(loc, 0, size))
				continue;
			klpx_text_poke(loc, &zero, size);
			poked = true;
		}
	}
	if (poked)
		klpx_text_poke_sync();
	mutex_unlock(klpx_text_mutex);
}

/*
 * Applies the klp relocations of loaded object @obj to the patch module:
 * every symbol is resolved first, so an unresolvable one changes nothing.
 * vmlinux's were applied by the loader when the patch module loaded.
 */
int klpx_relocs_apply(struct klpx_object *obj)
{
	struct klpx_patch *patch = obj->patch;
	struct klp_modinfo *info = klpx_modinfo(patch);
	unsigned int i;
	int ret;

	lockdep_assert_held(&klpx_mutex);
	if (!obj->name)
		return 0;
	klpx_for_each_rela_of(obj, info, i) {
		ret = klpx_resolve_rela(obj, i);
		if (ret)
			return ret;
	}
	klpx_for_each_rela_of(obj, info, i) {
		ret = klpx_apply_relocate_add(info->sechdrs,
					      patch->mod->core_kallsyms.strtab,
					      info->symndx, i, patch->mod);
		if (ret) {
			pr_warn("patch '%s': relocations of %s failed (%d)\n",
				klpx_patch_name(patch),
				info->secstrings + info->sechdrs[i].sh_name, ret);
			klpx_relocs_clear(obj);
			return ret;
		}
	}
	return 0;
}

/*
 * Before anything is enabled: every module relocation section must be
 * kept in memory (SHF_ALLOC), write into the patch module's core (its init
 * sections are freed after its init) and belong to an object of the
 * patch; and a module that declared symbols with KLPX_SYMBOL must have
 * been through klpx-convert (a ".note.klpx.syms" section left means it was
 * not: its calls would go to address 0).
 */
int klpx_relocs_check(struct klpx_patch *patch)
{
	struct klp_modinfo *info = klpx_modinfo(patch);
	const char *pname = klpx_patch_name(patch);
	char name[MODULE_NAME_LEN];
	struct klpx_object *obj;
	const char *secname;
	unsigned int i;
	Elf_Shdr *sec;
	bool found;

	for (i = 1; i < info->hdr.e_shnum; i++) {
		secname = info->secstrings + info->sechdrs[i].sh_name;
		if (!strcmp(secname, ".note.klpx.syms")) {
			pr_err("patch '%s': module has a .note.klpx.syms section: it was not converted by klpx-convert\n",
			       pname);
			return -EINVAL;
		}
		if (!(info->sechdrs[i].sh_flags & SHF_RELA_LIVEPATCH))
			continue;
		if (!klpx_klp_name(secname, ".klp.rela.", name)) {
			pr_err("patch '%s': section '%s' is not named .klp.rela.<object>.<section>\n",
			       pname, secname);
			return -EINVAL;
		}
		if (!strcmp(name, "vmlinux"))
			continue;
		if (!(info->sechdrs[i].sh_flags & SHF_ALLOC)) {
			pr_err("patch '%s': section '%s' is not SHF_ALLOC: the loader dropped it\n",
			       pname, secname);
			return -EINVAL;
		}
		if (info->sechdrs[i].sh_info >= info->hdr.e_shnum) {
			pr_err("patch '%s': section '%s' applies to no section\n",
			       pname, secname);
			return -EINVAL;
		}
		/*
		 * written when the module loads: init code is gone by then;
		 * and a section the loader did not keep (.data..percpu: its
		 * copies per CPU are made before) would never be written
		 */
		sec = info->sechdrs + info->sechdrs[i].sh_info;
		if (!(sec->sh_flags & SHF_ALLOC) ||
		    !within_module_core(sec->sh_addr, patch->mod)) {
			pr_err("patch '%s': section '%s' writes into init code or data, or into per-CPU data, of the patch module\n",
			       pname, secname);
			return -EINVAL;
		}
		found = false;
		klpx_for_each_object_static(patch, obj)
			found |= klpx_object_is(obj, name);
		if (!found) {
			pr_err("patch '%s': section '%s' is for object '%s', which the patch does not have\n",
			       pname, secname, name);
			return -EINVAL;
		}
	}
	return 0;
}
