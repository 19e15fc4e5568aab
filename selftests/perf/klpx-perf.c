// SPDX-License-Identifier: GPL-2.0
/*
 * klpx-perf - the bench's helper inside the VM, so that timing does not
 * depend on a shell's forks.
 *
 *   klpx-perf spawn SLEEPERS BUSY HAMMER
 *       start that many threads: asleep, spinning in user space, reading
 *       /proc/klpx_bench/sys (a patched path) in a loop; print "ready N"
 *       and live until SIGTERM
 *   klpx-perf enable MODULE.ko SYSFS_DIR
 *       load a patch module and wait until SYSFS_DIR/transition reads 0;
 *       print the milliseconds taken
 *   klpx-perf hammer THREADS
 *       THREADS threads read /proc/klpx_bench/sys (a patched path) until
 *       SIGTERM; then print "calls C changes_max M bad B": calls made, the
 *       most times one thread saw the answer change, answers not 1-3
 *   klpx-perf disable SYSFS_DIR
 *       write 0 to SYSFS_DIR/enabled and wait until SYSFS_DIR is gone;
 *       print the milliseconds taken
 * Exit status 0, or 1 with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WAIT_LIMIT_S	900

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void pause_1ms(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

static int die(const char *what)
{
	fprintf(stderr, "klpx-perf: %s: %s\n", what, strerror(errno));
	return 1;
}

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void *busy(void *arg)
{
	for (volatile unsigned long i = 0;; i++)
		;
	return NULL;
}

static void *hammer(void *arg)
{
	char buf[16];

	for (;;) {
		int fd = open("/proc/klpx_bench/sys", O_RDONLY);

		if (fd < 0)
			return NULL;
		if (read(fd, buf, sizeof(buf)) < 0)
			buf[0] = 0;
		close(fd);
	}
	return NULL;
}

struct hammer_stats {
	unsigned long calls, changes, bad;
};

static volatile int hammer_stop;

/* counts how often the answer changes: once per transition at most */
static void *hammer_count(void *arg)
{
	struct hammer_stats *st = arg;
	char buf[16], last = 0;

	while (!hammer_stop) {
		int fd = open("/proc/klpx_bench/sys", O_RDONLY);
		ssize_t n;

		if (fd < 0)
			break;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		st->calls++;
		if (n < 1 || buf[0] < '1' || buf[0] > '3') {
			st->bad++;
			continue;
		}
		if (last && buf[0] != last)
			st->changes++;
		last = buf[0];
	}
	return NULL;
}

static int cmd_hammer(int n)
{
	struct hammer_stats st[64] = {};
	unsigned long calls = 0, max = 0, bad = 0;
	pthread_t t[64];
	sigset_t set;
	int sig;

	if (n < 1 || n > 64)
		n = 4;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < n; i++)
		if ((errno = pthread_create(&t[i], NULL, hammer_count, &st[i])))
			return die("pthread_create");
	sigwait(&set, &sig);
	hammer_stop = 1;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		calls += st[i].calls;
		bad += st[i].bad;
		if (st[i].changes > max)
			max = st[i].changes;
	}
	printf("calls %lu changes_max %lu bad %lu\n", calls, max, bad);
	return 0;
}

static int spawn(int n, void *(*fn)(void *))
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < n; i++) {
		errno = pthread_create(&t, &attr, fn, NULL);
		if (errno)
			return -1;
	}
	return 0;
}

static int cmd_spawn(int sleepers, int nbusy, int nhammer)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* threads inherit the mask: only this thread takes the signal */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (spawn(sleepers, sleeper) || spawn(nbusy, busy) ||
	    spawn(nhammer, hammer))
		return die("pthread_create");
	printf("ready %d\n", sleepers + nbusy + nhammer);
	fflush(stdout);
	sigwait(&set, &sig);
	return 0;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

static int cmd_enable(const char *ko, const char *dir)
{
	char path[512], val[16];
	double t0 = now_ms();
	int fd;

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return die(ko);
	if (syscall(SYS_finit_module, fd, "", 0))
		return die("finit_module");
	close(fd);
	snprintf(path, sizeof(path), "%s/transition", dir);
	while (read_file(path, val, sizeof(val)) || val[0] != '0') {
		if (now_ms() - t0 > WAIT_LIMIT_S * 1e3) {
			fprintf(stderr, "klpx-perf: %s still 1\n", path);
			return 1;
		}
		pause_1ms();
	}
	printf("%.3f\n", now_ms() - t0);
	return 0;
}

static int cmd_disable(const char *dir)
{
	char path[512];
	double t0 = now_ms();
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/enabled", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return die(path);
	close(fd);
	while (!stat(dir, &st)) {
		if (now_ms() - t0 > WAIT_LIMIT_S * 1e3) {
			fprintf(stderr, "klpx-perf: %s still there\n", dir);
			return 1;
		}
		pause_1ms();
	}
	printf("%.3f\n", now_ms() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "spawn"))
		return cmd_spawn(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "enable"))
		return cmd_enable(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "hammer"))
		return cmd_hammer(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "disable"))
		return cmd_disable(argv[2]);
	fprintf(stderr, "usage: klpx-perf spawn SLEEPERS BUSY HAMMER | hammer THREADS | enable MODULE.ko SYSFS_DIR | disable SYSFS_DIR\n");
	return 1;
}
