// SPDX-License-Identifier: GPL-2.0
/*
 * timing.c - how long a patch takes to go in and to go out, timed from one
 * process (a shell's forks would add tens of milliseconds under TCG),
 * polling every millisecond.
 *
 * enable: from finit_module() of the patch module until its sysfs
 * directory's "transition" reads 0; a line in the kernel log marks the
 * start, so that the log's own lines split the time into phases.
 * disable: from writing 0 to "enabled" until the directory is gone; then,
 * if asked, until klpx's hooks file lists no function with a given
 * prefix: klpx releases a function's ftrace hook in the background after
 * its last patch left (docs/patch-author.md), and until then another
 * IPMODIFY user, such as the built-in livepatch, gets -EBUSY on it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "klpx-perf.h"

/* a bounded wait timed out: says what is still there */
static int too_long(double t0, const char *what)
{
	if (now_ms() - t0 <= KLPX_PERF_WAIT_S * 1e3)
		return 0;
	fprintf(stderr, "klpx-perf: %s after %d s\n", what, KLPX_PERF_WAIT_S);
	return 1;
}

/*
 * "klpx-perf: enable @ko" into the kernel log: where the load starts on
 * the log's clock, for phases() in transition.sh
 */
static void mark_kmsg(const char *ko)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	char msg[600];
	int n;

	if (fd < 0)
		return;
	n = snprintf(msg, sizeof(msg), "klpx-perf: enable %s\n", ko);
	if (write(fd, msg, n) < 0)
		perror("klpx-perf: /dev/kmsg");
	close(fd);
}

/* prints the ms from the load until SYSFS_DIR/transition reads 0 */
int cmd_enable(const char *ko, const char *dir)
{
	char path[512], val[16];
	double t0;
	int fd;

	mark_kmsg(ko);
	t0 = now_ms();
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return die(ko);
	if (syscall(SYS_finit_module, fd, "", 0))
		return die("finit_module");
	close(fd);
	snprintf(path, sizeof(path), "%s/transition", dir);
	while (read_file(path, val, sizeof(val)) || val[0] != '0') {
		if (too_long(t0, "transition still 1"))
			return 1;
		pause_1ms();
	}
	printf("%.3f\n", now_ms() - t0);
	return 0;
}

/* does a line of @hooks start with @prefix? (no file: no hook) */
static int hooked(const char *hooks, const char *prefix)
{
	static char buf[1 << 16];
	size_t len = strlen(prefix);
	char *line;

	if (read_file(hooks, buf, sizeof(buf)))
		return 0;
	for (line = buf; line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (!strncmp(line, prefix, len))
			return 1;
	}
	return 0;
}

/*
 * Prints the ms from writing 0 to SYSFS_DIR/enabled until SYSFS_DIR is
 * gone, and with @hooks, a second figure: until no line of @hooks starts
 * with @prefix.
 */
int cmd_disable(const char *dir, const char *hooks, const char *prefix)
{
	char path[512];
	double t0 = now_ms(), gone;
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/enabled", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return die(path);
	close(fd);
	while (!stat(dir, &st)) {
		if (too_long(t0, "patch directory still there"))
			return 1;
		pause_1ms();
	}
	gone = now_ms() - t0;
	if (!hooks) {
		printf("%.3f\n", gone);
		return 0;
	}
	while (hooked(hooks, prefix)) {
		if (too_long(t0, "hooks not released"))
			return 1;
		pause_1ms();
	}
	printf("%.3f %.3f\n", gone, now_ms() - t0);
	return 0;
}
