/* SPDX-License-Identifier: GPL-2.0 */
/* fastpath.h - when a hook's slot may be fast (fastpath.c) */
#ifndef _KLPX_FASTPATH_H
#define _KLPX_FASTPATH_H

void klpx_hooks_refresh(void);
void klpx_fastpath_exit(void);

#endif /* _KLPX_FASTPATH_H */
