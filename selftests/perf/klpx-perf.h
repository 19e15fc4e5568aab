/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpx-perf.h - what the bench helper's files share (klpx-perf.c).
 */
#ifndef KLPX_PERF_H
#define KLPX_PERF_H

#include <stddef.h>

/* the patched path that hammering threads read: "1\n" old, "2\n" new */
#define KLPX_PERF_SYS	"/proc/klpx_bench/sys"
/* how long enable/disable/release may take before the bench gives up */
#define KLPX_PERF_WAIT_S	900

/* util.c */
double now_ms(void);
void pause_1ms(void);
int die(const char *what);
int read_file(const char *path, char *buf, size_t len);
int read_answer(void);
void block_stop_signals(void);
void wait_stop_signal(void);

/* load.c: tasks to transition, and threads on a patched path */
int cmd_spawn(int sleepers, int nbusy, int nhammer, int naps);
int cmd_hammer(int n);

/* timing.c: how long a patch takes to go in and out */
int cmd_enable(const char *ko, const char *dir);
int cmd_disable(const char *dir, const char *hooks, const char *prefix);

#endif /* KLPX_PERF_H */
