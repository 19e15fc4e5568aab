// SPDX-License-Identifier: GPL-2.0
/*
 * calls.c - klpx's per-func call counts, as klp-top shows them.
 *
 * klpx counts every call of a patched function against the func on top of
 * its stack, with no observer (kernel/calls.h), and gives the sums in
 * sysfs: /sys/kernel/klpx/<patch>/<object>/<func>,<sympos>/calls_new and
 * calls_old, from the patch's enable on. One row per function: the funcs
 * of every patch on it added up. Reading the files costs the patched
 * calls nothing: klp-top attaches no program to klp_func_redirect.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "klp_top_user.h"

#define CALLS_MAX_FUNCS	4096

/* FNV-1a of "<object>/<func>,<sympos>": the row's key (func_row.addr) */
static __u64 func_key(const char *s)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int read_u64(const char *path, __u64 *val)
{
	unsigned long long v;
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	if (!ok)
		return -1;
	*val = v;
	return 0;
}

/* @new_path: .../<patch>/<object>/<func>,<sympos>/calls_new */
static void add_func(struct func_row *rows, int *n, const char *new_path)
{
	char path[512], obj_func[256], *func, *obj, *end;
	__u64 to_new, to_old, key;
	struct func_row *r = NULL;
	size_t len;

	len = strlen(new_path);
	if (len >= sizeof(path) || len < sizeof("calls_new"))
		return;
	memcpy(path, new_path, len + 1);
	if (read_u64(path, &to_new))
		return;		/* the patch went meanwhile */
	strcpy(path + len - strlen("new"), "old");
	if (read_u64(path, &to_old))
		return;
	/* "<object>/<func>,<sympos>" from the path */
	path[len - strlen("/calls_new")] = 0;
	func = strrchr(path, '/');
	if (!func)
		return;
	*func++ = 0;
	obj = strrchr(path, '/');
	if (!obj)
		return;
	obj++;
	snprintf(obj_func, sizeof(obj_func), "%s/%s", obj, func);
	key = func_key(obj_func);
	for (int i = 0; i < *n && !r; i++)
		if (rows[i].addr == key)
			r = &rows[i];
	if (!r) {
		if (*n == CALLS_MAX_FUNCS)
			return;
		r = &rows[(*n)++];
		r->addr = key;
		end = strchr(func, ',');
		if (end)
			*end = 0;
		snprintf(r->name, sizeof(r->name), "%s", func);
	}
	r->to_new += to_new;
	r->to_old += to_old;
}

void calls_snapshot(struct view *v)
{
	struct func_row *rows;
	glob_t g;
	int n = 0;

	rows = calloc(CALLS_MAX_FUNCS, sizeof(*rows));
	if (!rows)
		return;
	if (!glob(KLPX_SYSFS "/*/*/*/calls_new", 0, NULL, &g)) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			add_func(rows, &n, g.gl_pathv[i]);
		globfree(&g);
	}
	set_rates(v, rows, n);
}
