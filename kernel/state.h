/* SPDX-License-Identifier: GPL-2.0 */
/* state.h - system states of patches (state.c) */
#ifndef _KLPX_STATE_H
#define _KLPX_STATE_H

#include <klpx/livepatch.h>

int klpx_check_states(struct klpx_patch *patch);

#endif /* _KLPX_STATE_H */
