/* SPDX-License-Identifier: GPL-2.0 */
/* debugfs.h - /sys/kernel/debug/klpx/ (debugfs.c) */
#ifndef _KLPX_DEBUGFS_H
#define _KLPX_DEBUGFS_H

void klpx_debugfs_init(void);
void klpx_debugfs_exit(void);

#endif /* _KLPX_DEBUGFS_H */
