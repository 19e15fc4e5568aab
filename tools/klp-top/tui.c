// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tui.c - klp-top's interactive screen: the text view redrawn every
 * interval on the terminal's alternate screen, with single-key commands.
 * The terminal is restored on every way out (q, Ctrl-C, SIGTERM).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "klp_top_user.h"

static struct termios saved;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void term_restore(void)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
}

static int term_setup(void)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &saved))
		return -errno;
	raw = saved;
	raw.c_lflag &= ~(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw))
		return -errno;
	fputs("\033[?1049h\033[?25l", stdout);
	return 0;
}

/* draws the text view, cut to the terminal's size */
static void draw(struct cores *c, const struct options *o)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	char *buf = NULL, *line, *save;
	size_t len = 0;
	FILE *mem;
	int row = 0;

	/* a terminal that does not know its size (0x0) gets 80x24 */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row || !ws.ws_col)
		ws = (struct winsize){ .ws_row = 24, .ws_col = 80 };
	mem = open_memstream(&buf, &len);
	if (!mem)
		return;
	print_cores(mem, c, o);
	fclose(mem);
	fputs("\033[H\033[2J", stdout);
	for (line = strtok_r(buf, "\n", &save); line && row < ws.ws_row - 2;
	     line = strtok_r(NULL, "\n", &save), row++)
		printf("%.*s\n", ws.ws_col, line);
	printf("\033[%d;1H\033[7m q quit  w/f/p/c sort tasks (wait/fails/pid/comm)  r/t/n/o/a sort funcs (rate/total/new/old/name)  +/- interval %.1fs \033[0m",
	       ws.ws_row, o->interval);
	fflush(stdout);
	free(buf);
}

/* one key; returns false to quit */
static bool key(struct options *o, char c)
{
	switch (c) {
	case 'q': case 'Q':
		return false;
	case 'w': o->sort = (struct task_order){ 1, { SORT_WAIT } }; break;
	case 'f': o->sort = (struct task_order){ 1, { SORT_FAILS } }; break;
	case 'p': o->sort = (struct task_order){ 1, { SORT_PID } }; break;
	case 'c': o->sort = (struct task_order){ 1, { SORT_COMM } }; break;
	case 'r': o->fsort = (struct func_order){ 2, { FSORT_RATE, FSORT_TOTAL } }; break;
	case 't': o->fsort = (struct func_order){ 1, { FSORT_TOTAL } }; break;
	case 'n': o->fsort = (struct func_order){ 1, { FSORT_NEW } }; break;
	case 'o': o->fsort = (struct func_order){ 1, { FSORT_OLD } }; break;
	case 'a': o->fsort = (struct func_order){ 1, { FSORT_NAME } }; break;
	case '+': o->interval *= 2; break;
	case '-': if (o->interval > 0.2) o->interval /= 2; break;
	}
	return true;
}

int tui_run(struct cores *cores, struct options *o)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	long shown = 0;
	double waited;
	char c;
	int err;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = term_setup();
	if (err)
		return err;
	cores_snapshot(cores, o);
	draw(cores, o);
	while (!stop && (!o->count || shown < o->count)) {
		for (waited = 0; !stop && waited < o->interval; waited += 0.1) {
			err = cores_poll(cores, 100);
			if (err)
				goto out;
			if (poll(&in, 1, 0) <= 0 || read(STDIN_FILENO, &c, 1) != 1)
				continue;
			if (!key(o, c))
				goto out;
			break;		/* redraw now, in the new order */
		}
		cores_snapshot(cores, o);
		draw(cores, o);
		shown++;
	}
out:
	term_restore();
	return err;
}
