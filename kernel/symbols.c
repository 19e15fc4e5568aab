// SPDX-License-Identifier: GPL-2.0
/*
 * symbols.c - kernel functions klpx needs that the kernel does not export,
 * resolved through kallsyms when klpx loads, and the lookup of the old
 * functions a patch names (with old_sympos for names that repeat).
 *
 * kallsyms_lookup_name itself is not exported either: a kprobe registered
 * on it tells its address. Every other symbol comes from it; any that is
 * missing refuses the load with a message naming it.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/tracepoint.h>
#include <linux/module.h>
#include <asm/cpufeature.h>
#include <asm/ibt.h>
#include "core.h"
#include "symbols.h"

static unsigned long (*klpx_kallsyms_lookup_name)(const char *name);
static int (*klpx_kallsyms_on_each_symbol)(int (*fn)(void *, const char *,
						     struct module *,
						     unsigned long),
					   void *data);
static int (*klpx_module_kallsyms_on_each_symbol)(
	int (*fn)(void *, const char *, struct module *, unsigned long),
	void *data);
static int (*klpx_kallsyms_lookup_size_offset)(unsigned long addr,
					       unsigned long *size,
					       unsigned long *offset);
static struct module *(*klpx_find_module_fn)(const char *name);
static struct mutex *klpx_module_mutex;
static unsigned long (*klpx_ftrace_location_fn)(unsigned long ip);

int (*klpx_task_call_func)(struct task_struct *p,
			   int (*fn)(struct task_struct *, void *), void *arg);
void (*klpx_wake_up_if_idle)(int cpu);
void (*klpx_signal_wake_up_state)(struct task_struct *t, unsigned int state);
int (*klpx_task_curr)(const struct task_struct *p);
int (*klpx_wake_up_state)(struct task_struct *p, unsigned int state);
struct task_struct *(*klpx_idle_task)(int cpu);
int *klpx_pid_max;
rwlock_t *klpx_tasklist_lock;
void (*klpx_put_task_stack)(struct task_struct *tsk);
bool *klpx_kprobes_all_disarmed;
unsigned long klpx_ret_from_fork, klpx_ret_from_fork_size;
unsigned long klpx_exchange_tids;
int (*klpx_apply_relocate_add)(Elf_Shdr *sechdrs, const char *strtab,
			       unsigned int symindex, unsigned int relsec,
			       struct module *me);
void *(*klpx_text_poke)(void *addr, const void *opcode, size_t len);
void (*klpx_text_poke_sync)(void);
struct mutex *klpx_text_mutex;

static int klpx_find_lookup_name(void)
{
	/*
	 * Registered disabled: it is never armed, so ftrace is not touched.
	 * (Armed and disarmed while sysctl kernel.ftrace_enabled is 0, 6.1
	 * leaves a stale flag on the function's ftrace record, and the next
	 * ftrace user to go WARNs and switches ftrace off for good.)
	 */
	struct kprobe kp = {
		.symbol_name = "kallsyms_lookup_name",
		.flags = KPROBE_FLAG_DISABLED,
	};
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("cannot find kallsyms_lookup_name (%d)\n", ret);
		return ret;
	}
	/*
	 * kp.addr is the probed instruction: on a kernel built with IBT, the
	 * one after the function's endbr64 (or the nop that seals it), where
	 * a call works only while IBT is not enforced (klpx_symbols_init()).
	 */
	klpx_kallsyms_lookup_name = (void *)kp.addr;
	unregister_kprobe(&kp);
	return 0;
}

struct klpx_needed_symbol {
	const char *name;
	void *slot;		/* where the address goes */
	bool data;		/* the address itself, not a function */
};

#define NEED(sym, var) { sym, &(var), false }
#define NEED_DATA(sym, var) { sym, &(var), true }

static const struct klpx_needed_symbol klpx_needed[] = {
	NEED("kallsyms_on_each_symbol", klpx_kallsyms_on_each_symbol),
	NEED("module_kallsyms_on_each_symbol",
	     klpx_module_kallsyms_on_each_symbol),
	NEED("kallsyms_lookup_size_offset", klpx_kallsyms_lookup_size_offset),
	NEED("find_module", klpx_find_module_fn),
	NEED_DATA("module_mutex", klpx_module_mutex),
	NEED("ftrace_location", klpx_ftrace_location_fn),
	NEED("task_call_func", klpx_task_call_func),
	NEED("wake_up_if_idle", klpx_wake_up_if_idle),
	NEED("signal_wake_up_state", klpx_signal_wake_up_state),
	NEED("wake_up_state", klpx_wake_up_state),
	NEED("task_curr", klpx_task_curr),
	NEED("idle_task", klpx_idle_task),
	NEED_DATA("pid_max", klpx_pid_max),
	NEED_DATA("ret_from_fork", klpx_ret_from_fork),
	NEED_DATA("tasklist_lock", klpx_tasklist_lock),
	NEED("put_task_stack", klpx_put_task_stack),
	NEED_DATA("kprobes_all_disarmed", klpx_kprobes_all_disarmed),
	/* universe.c: the exec probe */
	NEED_DATA("exchange_tids", klpx_exchange_tids),
	/* relocs.c: a patch's klp relocations */
	NEED("apply_relocate_add", klpx_apply_relocate_add),
	NEED("text_poke", klpx_text_poke),
	NEED("text_poke_sync", klpx_text_poke_sync),
	NEED_DATA("text_mutex", klpx_text_mutex),
};

int klpx_symbols_init(void)
{
	unsigned long addr, off;
	int i, ret;

	/*
	 * Enforced IBT faults an indirect call to a function whose address
	 * the kernel never takes. (The CPU's bit alone says nothing: a kernel
	 * built without IBT, as Debian 12's, never clears it.)
	 */
	if (HAS_KERNEL_IBT && cpu_feature_enabled(X86_FEATURE_IBT)) {
		pr_err("the kernel enforces IBT (boot with ibt=off): klpx calls unexported functions through pointers: cannot load\n");
		return -EOPNOTSUPP;
	}
	ret = klpx_find_lookup_name();
	if (ret)
		return ret;

	for (i = 0; i < ARRAY_SIZE(klpx_needed); i++) {
		addr = klpx_kallsyms_lookup_name(klpx_needed[i].name);
		if (!addr) {
			pr_err("kernel symbol '%s' not found: cannot load\n",
			       klpx_needed[i].name);
			return -ENOENT;
		}
		*(unsigned long *)klpx_needed[i].slot = addr;
	}
	if (!klpx_kallsyms_lookup_size_offset(klpx_ret_from_fork,
					      &klpx_ret_from_fork_size, &off)) {
		pr_err("kernel symbol 'ret_from_fork' has no size: cannot load\n");
		return -ENOENT;
	}
	return 0;
}

bool klpx_symbol_size(unsigned long addr, unsigned long *size,
		      unsigned long *off)
{
	return klpx_kallsyms_lookup_size_offset(addr, size, off);
}

unsigned long klpx_ftrace_location(unsigned long ip)
{
	return klpx_ftrace_location_fn(ip);
}

/*
 * Returns the module with that name, or NULL. A module that is going is
 * not there for klpx. The caller holds klpx_mutex, which the module
 * notifier also takes, so the module cannot be unpatched under it.
 */
struct module *klpx_find_module(const char *name)
{
	struct module *mod;

	mutex_lock(klpx_module_mutex);
	mod = klpx_find_module_fn(name);
	if (mod && (mod->state == MODULE_STATE_GOING ||
		    mod->state == MODULE_STATE_UNFORMED))
		mod = NULL;
	mutex_unlock(klpx_module_mutex);
	return mod;
}

struct klpx_find_arg {
	const char *objname;	/* NULL: vmlinux */
	const char *name;
	unsigned long addr;
	unsigned long count;
	unsigned long pos;
};

static int klpx_find_callback(void *data, const char *name,
			      struct module *mod, unsigned long addr)
{
	struct klpx_find_arg *args = data;

	if ((mod && !args->objname) || (!mod && args->objname))
		return 0;
	if (mod && strcmp(args->objname, mod->name))
		return 0;
	if (strcmp(args->name, name))
		return 0;

	args->count++;
	/* unique name wanted: remember the first, keep counting */
	if ((args->pos == 0 && args->count == 1) || args->count == args->pos)
		args->addr = addr;
	/* a position was given and found: done */
	if (args->pos && args->count == args->pos)
		return 1;
	return 0;
}

/*
 * Finds symbol @name in object @objname (NULL: vmlinux), the way funcs are
 * found: @pos 0 wants a unique name, @pos N the N-th of that name in
 * kallsyms order. *@count tells how many there are; the address is 0 if
 * none fits (none, not unique, or @pos beyond *@count).
 */
unsigned long klpx_lookup_symbol(const char *objname, const char *name,
				 unsigned long pos, unsigned long *count)
{
	struct klpx_find_arg args = {
		.objname = objname,
		.name = name,
		.pos = pos,
	};

	if (objname)
		klpx_module_kallsyms_on_each_symbol(klpx_find_callback, &args);
	else
		klpx_kallsyms_on_each_symbol(klpx_find_callback, &args);
	*count = args.count;
	if (!args.count || (!pos && args.count > 1) || (pos && args.count < pos))
		return 0;
	return args.addr;
}

/*
 * Resolves func->old_func and func->old_size in its (loaded) object.
 * Errors name the patch and the field, once.
 */
int klpx_lookup_func(struct klpx_object *obj, struct klpx_func *func)
{
	const char *pname = klpx_patch_name(obj->patch);
	unsigned long addr, count, off, pos = func->old_sympos;

	addr = klpx_lookup_symbol(obj->name, func->old_name, pos, &count);
	if (count == 0) {
		pr_err("patch '%s': old_name '%s' not found in %s\n", pname,
		       func->old_name, klpx_object_name(obj));
		return -ENOENT;
	}
	if (pos == 0 && count > 1) {
		pr_err("patch '%s': old_name '%s' occurs %lu times in %s: old_sympos needed\n",
		       pname, func->old_name, count, klpx_object_name(obj));
		return -EINVAL;
	}
	if (pos && count < pos) {
		pr_err("patch '%s': old_sympos %lu of '%s' out of range (%lu in %s)\n",
		       pname, pos, func->old_name, count,
		       klpx_object_name(obj));
		return -EINVAL;
	}
	if (!klpx_kallsyms_lookup_size_offset(addr, &func->old_size, &off) ||
	    off) {
		pr_err("patch '%s': old_name '%s' has no size in %s\n", pname,
		       func->old_name, klpx_object_name(obj));
		return -EINVAL;
	}
	func->old_func = (void *)addr;
	return 0;
}

struct klpx_tp_arg {
	const char *name;
	struct tracepoint *tp;
};

static void klpx_tp_match(struct tracepoint *tp, void *priv)
{
	struct klpx_tp_arg *arg = priv;

	if (!strcmp(tp->name, arg->name))
		arg->tp = tp;
}

/* The kernel tracepoint @name, or NULL. */
struct tracepoint *klpx_tracepoint(const char *name)
{
	struct klpx_tp_arg arg = { .name = name };

	for_each_kernel_tracepoint(klpx_tp_match, &arg);
	return arg.tp;
}
