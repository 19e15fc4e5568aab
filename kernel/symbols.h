/* SPDX-License-Identifier: GPL-2.0 */
/*
 * symbols.h - kernel functions and data klpx needs but the kernel does
 * not export, resolved through kallsyms at load (symbols.c).
 */
#ifndef _KLPX_SYMBOLS_H
#define _KLPX_SYMBOLS_H

#include <linux/elf.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/tracepoint.h>
#include <klpx/livepatch.h>

int klpx_symbols_init(void);
int klpx_lookup_func(struct klpx_object *obj, struct klpx_func *func);
unsigned long klpx_lookup_symbol(const char *objname, const char *name,
				 unsigned long pos, unsigned long *count);
struct module *klpx_find_module(const char *name);
unsigned long klpx_ftrace_location(unsigned long ip);
bool klpx_symbol_size(unsigned long addr, unsigned long *size,
		      unsigned long *off);
extern int (*klpx_task_call_func)(struct task_struct *p,
				  int (*fn)(struct task_struct *, void *),
				  void *arg);
extern void (*klpx_wake_up_if_idle)(int cpu);
extern int (*klpx_task_curr)(const struct task_struct *p);
extern int (*klpx_wake_up_state)(struct task_struct *p, unsigned int state);
extern struct task_struct *(*klpx_idle_task)(int cpu);
extern void (*klpx_signal_wake_up_state)(struct task_struct *t,
					 unsigned int state);
extern int *klpx_pid_max;
extern rwlock_t *klpx_tasklist_lock;
extern void (*klpx_put_task_stack)(struct task_struct *tsk);
extern bool *klpx_kprobes_all_disarmed;
struct tracepoint *klpx_tracepoint(const char *name);
extern unsigned long klpx_ret_from_fork, klpx_ret_from_fork_size;
extern unsigned long klpx_exchange_tids;
extern int (*klpx_apply_relocate_add)(Elf_Shdr *sechdrs, const char *strtab,
				      unsigned int symindex,
				      unsigned int relsec, struct module *me);
extern void *(*klpx_text_poke)(void *addr, const void *opcode, size_t len);
extern void (*klpx_text_poke_sync)(void);
extern struct mutex *klpx_text_mutex;

#endif /* _KLPX_SYMBOLS_H */
