// SPDX-License-Identifier: GPL-2.0
/*
 * klpx-gauntlet - tasks a real host has, for selftests/cases/27-gauntlet.sh.
 *
 *   klpx-gauntlet uring ANSWER LOG NBLOCK
 *       an io_uring SQPOLL ring (iou-sqp-N), and a plain ring with NBLOCK
 *       opens of the FIFO LOG.fifo for reading forced to io-wq (IOSQE_ASYNC:
 *       NBLOCK iou-wrk-N workers asleep in fifo_open, waiting for a writer;
 *       a pipe read would not do: io-wq arms a poll for a pollable file and
 *       the worker goes idle); then, every 100 ms, one read of the file
 *       ANSWER through each ring (a /proc file has no NOWAIT: io-wq workers
 *       read it), each answer appended to LOG as "ANSWER sqp" or "ANSWER wrk"
 *   klpx-gauntlet execloop ANSWER LOG [GEN]
 *       reads ANSWER, appends "ANSWER post-exec GEN PID", then a second
 *       thread (not the leader) reads it again ("pre-exec") and execs this
 *       program, GEN+1; a third thread sleeps; forever
 *   klpx-gauntlet reader ANSWER LOG
 *       reads ANSWER every 100 ms, appends "ANSWER" to LOG (a shell loop
 *       forks a sleep per read: too slow under TCG with many readers)
 *   klpx-gauntlet vfork
 *       vfork(); the child sleeps in pause() (never execs), so the parent
 *       stays blocked in vfork until the child is killed
 *   klpx-gauntlet ptrace
 *       forks a child that stops itself under PTRACE_TRACEME (ptrace stop,
 *       state t); the tracer never resumes it; prints the child's pid, then
 *       pause()
 *
 * Raw syscalls only: no liburing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "klpx-gauntlet: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* one answer line: the first word of what ANSWER gives */
static void log_answer(const char *log, const char *buf, const char *tag)
{
	char word[64];
	FILE *f;

	if (sscanf(buf, "%63s", word) != 1)
		strcpy(word, "?");
	f = fopen(log, "a");
	if (!f)
		die(log);
	fprintf(f, "%s %s\n", word, tag);
	fclose(f);
}

/* ---- io_uring ---------------------------------------------------------- */

struct ring {
	int fd;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_flags, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	int sqpoll;
};

static void ring_init(struct ring *r, unsigned entries, int sqpoll)
{
	struct io_uring_params p;
	size_t sq_sz, cq_sz;
	void *sq, *cq;

	memset(&p, 0, sizeof(p));
	if (sqpoll) {
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 100;	/* ms: it goes to sleep between reads */
	}
	r->fd = syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		die("io_uring_setup");
	r->sqpoll = sqpoll;
	sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		       IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		die("mmap ring");
	r->sq_head = sq + p.sq_off.head;
	r->sq_tail = sq + p.sq_off.tail;
	r->sq_mask = sq + p.sq_off.ring_mask;
	r->sq_flags = sq + p.sq_off.flags;
	r->sq_array = sq + p.sq_off.array;
	r->cq_head = cq + p.cq_off.head;
	r->cq_tail = cq + p.cq_off.tail;
	r->cq_mask = cq + p.cq_off.ring_mask;
	r->cqes = cq + p.cq_off.cqes;
}

/* queue one read; submit it (or wake the SQPOLL thread) */
static void ring_read(struct ring *r, int fd, void *buf, unsigned len,
		      uint64_t data, int async)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask;
	struct io_uring_sqe *sqe = &r->sqes[idx];
	unsigned flags = 0;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_READ;
	sqe->fd = fd;
	sqe->addr = (unsigned long)buf;
	sqe->len = len;
	sqe->off = 0;
	sqe->flags = async ? IOSQE_ASYNC : 0;
	sqe->user_data = data;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (r->sqpoll) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(r->sq_flags, __ATOMIC_ACQUIRE) &
		    IORING_SQ_NEED_WAKEUP)
			flags |= IORING_ENTER_SQ_WAKEUP;
		if (flags && syscall(__NR_io_uring_enter, r->fd, 0, 0, flags,
				     NULL, 0) < 0)
			die("io_uring_enter wakeup");
		return;
	}
	if (syscall(__NR_io_uring_enter, r->fd, 1, 0, 0, NULL, 0) != 1)
		die("io_uring_enter submit");
}

/* queue one blocking open of @path for reading, forced to io-wq */
static void ring_open(struct ring *r, const char *path, uint64_t data)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask;
	struct io_uring_sqe *sqe = &r->sqes[idx];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)path;
	sqe->open_flags = O_RDONLY;
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = data;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 0, 0, NULL, 0) != 1)
		die("io_uring_enter submit");
}

/* wait for one completion; returns its res */
static int ring_wait(struct ring *r, uint64_t *data)
{
	unsigned head;
	struct io_uring_cqe *cqe;
	int res;

	for (;;) {
		head = *r->cq_head;
		if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
			break;
		if (syscall(__NR_io_uring_enter, r->fd, 0, 1,
			    IORING_ENTER_GETEVENTS, NULL, 0) < 0 && errno != EINTR)
			die("io_uring_enter wait");
	}
	cqe = &r->cqes[head & *r->cq_mask];
	res = cqe->res;
	if (data)
		*data = cqe->user_data;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static int cmd_uring(int argc, char **argv)
{
	static char fifo[4096];
	struct ring sqp, plain;
	char buf[64];
	int afd, i, nblock, res;
	uint64_t data;

	if (argc != 5)
		return 2;
	nblock = atoi(argv[4]);
	if (nblock < 0 || nblock > 64)
		return 2;
	afd = open(argv[2], O_RDONLY);
	if (afd < 0)
		die(argv[2]);
	snprintf(fifo, sizeof(fifo), "%s.fifo", argv[3]);
	if (mkfifo(fifo, 0600) && errno != EEXIST)
		die(fifo);
	ring_init(&sqp, 8, 1);
	ring_init(&plain, 128, 0);
	/* io-wq workers that block in fifo_open until the ring goes */
	for (i = 0; i < nblock; i++)
		ring_open(&plain, fifo, 1000 + i);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		memset(buf, 0, sizeof(buf));
		ring_read(&sqp, afd, buf, sizeof(buf) - 1, 1, 0);
		res = ring_wait(&sqp, &data);
		if (res < 0) {
			errno = -res;
			die("read through the SQPOLL ring");
		}
		log_answer(argv[3], buf, "sqp");
		memset(buf, 0, sizeof(buf));
		ring_read(&plain, afd, buf, sizeof(buf) - 1, 2, 1);
		do
			res = ring_wait(&plain, &data);
		while (data != 2);
		if (res < 0) {
			errno = -res;
			die("read through io-wq");
		}
		log_answer(argv[3], buf, "wrk");
		msleep(100);
	}
}

/* ---- exec from a thread that is not the leader ------------------------- */

static char **exec_argv;
static char exec_gen[32];

static void read_answer(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		die(path);
	n = read(fd, buf, len - 1);
	if (n < 0)
		die(path);
	buf[n] = 0;
	close(fd);
}

static void *sleeper(void *unused)
{
	for (;;)
		pause();
	return NULL;
}

static void *execer(void *unused)
{
	char buf[64], tag[64];
	char *args[] = { exec_argv[0], "execloop", exec_argv[2], exec_argv[3],
			 exec_gen, NULL };

	msleep(100);
	read_answer(exec_argv[2], buf, sizeof(buf));
	snprintf(tag, sizeof(tag), "pre-exec tid %ld", (long)gettid());
	log_answer(exec_argv[3], buf, tag);
	execv("/proc/self/exe", args);
	die("execv");
	return NULL;
}

static int cmd_execloop(int argc, char **argv)
{
	char buf[64], tag[64];
	pthread_t t;
	long gen;

	if (argc != 4 && argc != 5)
		return 2;
	gen = argc == 5 ? atol(argv[4]) : 0;
	exec_argv = argv;
	snprintf(exec_gen, sizeof(exec_gen), "%ld", gen + 1);
	read_answer(argv[2], buf, sizeof(buf));
	snprintf(tag, sizeof(tag), "post-exec gen %ld pid %d", gen, getpid());
	log_answer(argv[3], buf, tag);
	if (pthread_create(&t, NULL, sleeper, NULL) ||
	    pthread_create(&t, NULL, execer, NULL))
		die("pthread_create");
	for (;;)
		pause();
}

/* ---- a plain reader ----------------------------------------------------- */

static int cmd_reader(int argc, char **argv)
{
	char buf[64];

	if (argc != 4)
		return 2;
	for (;;) {
		read_answer(argv[2], buf, sizeof(buf));
		log_answer(argv[3], buf, "");
		msleep(100);
	}
}

/* ---- vfork wait, ptrace stop -------------------------------------------- */

static int cmd_vfork(void)
{
	pid_t pid;

	pid = vfork();
	if (pid == 0) {
		/* the child shares our memory: raw syscalls only, never return */
		for (;;)
			syscall(__NR_pause);
	}
	if (pid < 0)
		die("vfork");
	_exit(0);
}

static int cmd_ptrace(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			die("PTRACE_TRACEME");
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status))
		die("waitpid for the tracee's stop");
	printf("%d\n", pid);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc >= 2 && !strcmp(argv[1], "uring"))
		ret = cmd_uring(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "execloop"))
		ret = cmd_execloop(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "reader"))
		ret = cmd_reader(argc, argv);
	else if (argc == 2 && !strcmp(argv[1], "vfork"))
		ret = cmd_vfork();
	else if (argc == 2 && !strcmp(argv[1], "ptrace"))
		ret = cmd_ptrace();
	if (ret == 2)
		fprintf(stderr, "usage: klpx-gauntlet uring ANSWER LOG NBLOCK | "
			"execloop ANSWER LOG | reader ANSWER LOG | vfork | ptrace\n");
	return ret;
}
