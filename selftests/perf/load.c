// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - the tasks a transition has to switch, and threads that call a
 * patched path without pause.
 *
 * spawn: sleepers (pause(), or with "nanosleep" a nanosleep(1 s) loop:
 * they wake every second), threads spinning in user space, and hammers
 * reading KLPX_PERF_SYS; the hammers count every answer, and one that no
 * version gives (not 1 or 2) is reported when the load stops. A hammer
 * whose file is gone (its module unloaded) stops.
 * hammer: the race test's threads (selftests/cases/25-race.sh): they also
 * count how often each one saw the answer change.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "klpx-perf.h"

#define MAX_HAMMERS	1024

struct hammer_stats {
	unsigned long calls, changes, bad;
	int last;
};

static struct hammer_stats hammers[MAX_HAMMERS];
static volatile int hammer_stop;
/* the highest answer a version gives: 3 with the race test's replace */
static int max_answer = 3;

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/* wakes every second, as a daemon's timer loop does */
static void *napper(void *arg)
{
	struct timespec ts = { .tv_sec = 1 };

	for (;;)
		nanosleep(&ts, NULL);
	return NULL;
}

static void *busy(void *arg)
{
	for (volatile unsigned long i = 0;; i++)
		;
	return NULL;
}

/* reads the patched path until told to stop; @arg: its stats */
static void *hammer(void *arg)
{
	struct hammer_stats *st = arg;
	int a;

	while (!hammer_stop) {
		a = read_answer();
		if (a == -2)
			break;
		__atomic_add_fetch(&st->calls, 1, __ATOMIC_RELAXED);
		if (a < 1 || a > max_answer) {
			__atomic_add_fetch(&st->bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (st->last && a != st->last)
			st->changes++;
		st->last = a;
	}
	return NULL;
}

/* starts @n detached threads running @fn(@args[i]), small stacks */
static int start(int n, void *(*fn)(void *), struct hammer_stats *args)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < n; i++) {
		errno = pthread_create(&t, &attr, fn, args ? &args[i] : NULL);
		if (errno)
			return -1;
	}
	return 0;
}

/* calls, most changes seen by one thread, and bad answers of @n hammers */
static void hammer_sum(int n, unsigned long *calls, unsigned long *max,
		       unsigned long *bad)
{
	*calls = *max = *bad = 0;
	for (int i = 0; i < n; i++) {
		*calls += __atomic_load_n(&hammers[i].calls, __ATOMIC_RELAXED);
		*bad += __atomic_load_n(&hammers[i].bad, __ATOMIC_RELAXED);
		if (hammers[i].changes > *max)
			*max = hammers[i].changes;
	}
}

/*
 * Prints "ready N" once every thread runs, lives until SIGTERM, then
 * prints "hammered C bad B" (B answers neither 1 nor 2); 1 if B > 0.
 * @naps: the sleepers wake every second (nanosleep) instead of pause().
 */
int cmd_spawn(int sleepers, int nbusy, int nhammer, int naps)
{
	unsigned long calls, max, bad;

	if (nhammer > MAX_HAMMERS)
		nhammer = MAX_HAMMERS;
	max_answer = 2;	/* the bench's patches: no replace */
	block_stop_signals();
	if (start(sleepers, naps ? napper : sleeper, NULL) || start(nbusy, busy, NULL) ||
	    start(nhammer, hammer, hammers))
		return die("pthread_create");
	printf("ready %d\n", sleepers + nbusy + nhammer);
	fflush(stdout);
	wait_stop_signal();
	hammer_sum(nhammer, &calls, &max, &bad);
	printf("hammered %lu bad %lu\n", calls, bad);
	return bad ? 1 : 0;
}

/*
 * @n threads until SIGTERM, then "calls C changes_max M bad B": calls made,
 * the most times one thread saw the answer change, answers not 1-3.
 */
int cmd_hammer(int n)
{
	unsigned long calls, max, bad;
	pthread_t t[MAX_HAMMERS];

	if (n < 1 || n > MAX_HAMMERS)
		n = 4;
	block_stop_signals();
	for (int i = 0; i < n; i++)
		if ((errno = pthread_create(&t[i], NULL, hammer, &hammers[i])))
			return die("pthread_create");
	wait_stop_signal();
	hammer_stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	hammer_sum(n, &calls, &max, &bad);
	printf("calls %lu changes_max %lu bad %lu\n", calls, max, bad);
	return 0;
}
