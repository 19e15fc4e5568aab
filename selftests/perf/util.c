// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - clocks, files and signals for the bench helper.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "klpx-perf.h"

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void pause_1ms(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

int die(const char *what)
{
	fprintf(stderr, "klpx-perf: %s: %s\n", what, strerror(errno));
	return 1;
}

/* @path's contents, NUL-terminated, at most @len - 1 bytes; 0 or -1 */
int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -1;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return n < 0 ? -1 : 0;
}

/*
 * One read of the patched path: its first digit; -1 if the read gave no
 * digit, -2 if the file cannot be opened (its module is gone).
 */
int read_answer(void)
{
	int fd = open(KLPX_PERF_SYS, O_RDONLY | O_CLOEXEC);
	char buf[16];
	ssize_t n = 0;

	if (fd < 0)
		return -2;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 1 || buf[0] < '0' || buf[0] > '9')
		return -1;
	return buf[0] - '0';
}

static sigset_t stop_set;

/* SIGTERM/SIGINT only for the caller (threads created later inherit it) */
void block_stop_signals(void)
{
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
}

void wait_stop_signal(void)
{
	int sig;

	sigwait(&stop_set, &sig);
}
