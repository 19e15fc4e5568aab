/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slots_64.S - the call slots (see slots.h).
 *
 * A slot is entered by the ftrace direct call at the entry of a patched
 * function, or by ftrace's own trampoline when other ftrace users share
 * that function; either way the stack holds the return address into the
 * old function (after its fentry call) and above it the return address
 * into the old function's caller, and the argument registers are those
 * of the old function. That is a function entry for the unwinder: every
 * instruction of a slot is one, except inside klpx_slow_common's frame.
 *
 * r10 and r11 are the only registers a slot uses before the C code: at a
 * function entry they hold nothing the callee needs (ftrace's own
 * trampolines clobber them too).
 */
#include <linux/linkage.h>
#include <asm/unwind_hints.h>
#include <asm/nospec-branch.h>
#include "slots.h"

	.text

/*
 * One slot: read its struct klpx_fast pointer once; fast: count the call
 * in this CPU's copy of the count, and make the fentry call return into
 * the target; slow: let klpx_slow_common choose, telling it the slot.
 */
.macro KLPX_SLOT nr
	.align KLPX_SLOT_SIZE
	UNWIND_HINT_FUNC
	movq	klpx_slot_fast + 8 * \nr (%rip), %r11
	testq	%r11, %r11
	jz	1f
	movq	KLPX_FAST_COUNT(%r11), %r10
	incq	%gs:(%r10)
	movq	KLPX_FAST_TARGET(%r11), %r11
	movq	%r11, (%rsp)
	RET
1:	movl	$\nr, %r11d
	jmp	klpx_slow_common
.endm

/* klpx_slots_init() checks that no slot outgrew KLPX_SLOT_SIZE */
	.align KLPX_SLOT_SIZE
SYM_CODE_START(klpx_slots)
	.set	slot, 0
	.rept	KLPX_NR_SLOTS
	KLPX_SLOT slot
	.set	slot, slot + 1
	.endr
	.align KLPX_SLOT_SIZE
SYM_INNER_LABEL(klpx_slots_end, SYM_L_GLOBAL)
SYM_CODE_END(klpx_slots)

/*
 * The slow path: r11 = slot number. Saves the argument registers (and
 * rax, the vector count of a varargs call) like ftrace_caller, asks
 * klpx_slow_target(slot, return address) where the call goes, and puts
 * the answer in place of the fentry call's return address (0: the old
 * function goes on).
 */
SYM_CODE_START(klpx_slow_common)
	UNWIND_HINT_FUNC
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	pushq	%r9
	pushq	%rax
	movl	%r11d, %edi
	movq	8(%rbp), %rsi
	call	klpx_slow_target
	testq	%rax, %rax
	jz	1f
	movq	%rax, 8(%rbp)
1:	popq	%rax
	popq	%r9
	popq	%r8
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rbp
	RET
SYM_CODE_END(klpx_slow_common)
