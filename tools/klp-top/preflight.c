// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * preflight.c - klp-top --preflight PATCH.ko | --preflight-funcs f1,f2:
 * before any enable, which tasks hold on their stacks a function the patch
 * would replace, and would block its transition now.
 *
 * The functions come from the patch module file itself: the func arrays of
 * a patch (struct klpx_func and the upstream struct klp_func alike) start
 * with { const char *old_name; void *new_func; }, so in the module's
 * relocated data an old_name is a pointer into a string section whose next
 * word points into code.  The stacks come from bpf/klp_top_preflight.bpf.c (a task
 * iterator with bpf_get_task_stack), symbolized with /proc/kallsyms.
 * Exit: 0 no task holds one now, 1 these tasks would block, 2 could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "klp_top_user.h"
#include "klp_top_preflight.skel.h"

#define MAX_NAMES	1024

static char *names[MAX_NAMES];
static int nr_names;

static void add_name(const char *s)
{
	for (int i = 0; i < nr_names; i++)
		if (!strcmp(names[i], s))
			return;
	if (nr_names < MAX_NAMES)
		names[nr_names++] = strdup(s);
}

/* --preflight-funcs f1,f2,... */
static void names_from_list(const char *list)
{
	char *copy = strdup(list), *save, *tok;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (*tok)
			add_name(tok);
	free(copy);
}

struct reloc {
	GElf_Addr off;		/* in the section relocated */
	Elf_Scn *target;	/* section of the symbol + addend */
	GElf_Addr value;	/* symbol value + addend */
};

static int cmp_reloc(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* the relocations of one section, sorted by offset (malloc'ed) */
static struct reloc *read_relocs(Elf *e, Elf_Scn *rela, Elf_Scn *symtab,
				 size_t *n)
{
	Elf_Data *d = elf_getdata(rela, NULL), *syms = elf_getdata(symtab, NULL);
	GElf_Shdr sh;
	struct reloc *r;
	size_t cnt;

	gelf_getshdr(rela, &sh);
	cnt = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
	r = calloc(cnt ? cnt : 1, sizeof(*r));
	if (!r || !d || !syms)
		return r;
	for (size_t i = 0; i < cnt; i++) {
		GElf_Rela rl;
		GElf_Sym sym;

		gelf_getrela(d, i, &rl);
		if (GELF_R_TYPE(rl.r_info) != R_X86_64_64 ||
		    !gelf_getsym(syms, GELF_R_SYM(rl.r_info), &sym) ||
		    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
			continue;
		r[*n].off = rl.r_offset;
		r[*n].target = elf_getscn(e, sym.st_shndx);
		r[*n].value = sym.st_value + rl.r_addend;
		(*n)++;
	}
	qsort(r, *n, sizeof(*r), cmp_reloc);
	return r;
}

/* the functions a patch module replaces: 0 or -errno */
static int names_from_module(const char *path)
{
	Elf_Scn *scn = NULL, *symtab = NULL;
	size_t shstrndx;
	GElf_Shdr sh;
	Elf *e;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_getshdrstrndx(e, &shstrndx)) {
		close(fd);
		return -ENOEXEC;
	}
	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			symtab = scn;
	while (symtab && (scn = elf_nextscn(e, scn))) {
		Elf_Scn *data_scn;
		GElf_Shdr dsh, tsh, nsh;
		struct reloc *r;
		size_t n = 0;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA)
			continue;
		data_scn = elf_getscn(e, sh.sh_info);
		if (!data_scn || !gelf_getshdr(data_scn, &dsh) ||
		    !(dsh.sh_flags & SHF_WRITE))
			continue;	/* func arrays are writable data */
		r = read_relocs(e, scn, symtab, &n);
		for (size_t i = 0; r && i + 1 < n; i++) {
			Elf_Data *str;

			/* old_name into a string section, new_func into code */
			if (r[i + 1].off != r[i].off + 8 ||
			    !gelf_getshdr(r[i].target, &tsh) ||
			    !(tsh.sh_flags & SHF_STRINGS) ||
			    !gelf_getshdr(r[i + 1].target, &nsh) ||
			    !(nsh.sh_flags & SHF_EXECINSTR))
				continue;
			str = elf_getdata(r[i].target, NULL);
			if (str && r[i].value < str->d_size &&
			    memchr((char *)str->d_buf + r[i].value, 0,
				   str->d_size - r[i].value))
				add_name((char *)str->d_buf + r[i].value);
		}
		free(r);
	}
	elf_end(e);
	close(fd);
	return 0;
}

/* kernel text symbols, sorted, to name stack frames */
struct ksym {
	unsigned long long addr;
	char *name;
	char *mod;
};
static struct ksym *ksyms;
static size_t nr_ksyms;

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int load_ksyms(void)
{
	char line[512], name[256], mod[128], type;
	unsigned long long addr;
	size_t cap = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		int got = sscanf(line, "%llx %c %255s [%127[^]]]", &addr, &type,
				 name, mod);

		if (got < 3 || (type != 't' && type != 'T') || !addr)
			continue;
		if (nr_ksyms == cap) {
			struct ksym *k;

			cap = cap ? cap * 2 : 65536;
			k = realloc(ksyms, cap * sizeof(*k));
			if (!k)
				break;
			ksyms = k;
		}
		ksyms[nr_ksyms].addr = addr;
		ksyms[nr_ksyms].name = strdup(name);
		ksyms[nr_ksyms].mod = got == 4 ? strdup(mod) : NULL;
		nr_ksyms++;
	}
	fclose(f);
	qsort(ksyms, nr_ksyms, sizeof(*ksyms), cmp_ksym);
	return nr_ksyms ? 0 : -EPERM;	/* all zero without root */
}

static const struct ksym *ksym_of(unsigned long long addr)
{
	size_t lo = 0, hi = nr_ksyms;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &ksyms[lo - 1] : NULL;
}

/* a frame's function is one the patch replaces: its name, else NULL */
static const char *wanted(const struct ksym *s)
{
	size_t len;

	if (!s)
		return NULL;
	len = strcspn(s->name, ".");	/* foo.isra.0, foo.cold: foo */
	for (int i = 0; i < nr_names; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], s->name, len))
			return names[i];
	return NULL;
}

static void print_frame(unsigned long long ip)
{
	const struct ksym *s = ksym_of(ip);

	if (!s)
		printf("           0x%llx\n", ip);
	else
		printf("           %s+0x%llx%s%s%s\n", s->name, ip - s->addr,
		       s->mod ? " [" : "", s->mod ? s->mod : "",
		       s->mod ? "]" : "");
}

int run_preflight(const struct options *o)
{
	const char *what = o->preflight ? o->preflight : "--preflight-funcs";
	struct klp_top_preflight_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	struct klp_top_pf_task rec;
	int fd = -1, err, blockers = 0, tasks = 0;
	size_t got = 0;
	ssize_t n;

	if (!o->verbose)
		libbpf_set_print(NULL);
	if (o->preflight) {
		err = names_from_module(o->preflight);
		if (err) {
			fprintf(stderr, "klp-top: cannot read %s: %s\n",
				o->preflight, strerror(-err));
			return 2;
		}
		if (!nr_names) {
			fprintf(stderr, "klp-top: %s: no patched function found (not a live patch module?)\n",
				o->preflight);
			return 2;
		}
	}
	if (o->preflight_funcs)
		names_from_list(o->preflight_funcs);
	if (!nr_names) {
		fprintf(stderr, "klp-top: --preflight-funcs: no function named\n");
		return 2;
	}
	printf("klp-top: preflight of %s: %d function%s:", what, nr_names,
	       nr_names == 1 ? "" : "s");
	for (int i = 0; i < nr_names; i++)
		printf(" %s", names[i]);
	printf("\n");
	fflush(stdout);
	err = load_ksyms();
	if (err) {
		fprintf(stderr, "klp-top: /proc/kallsyms has no addresses: run as root\n");
		return 2;
	}
	skel = klp_top_preflight_bpf__open_and_load();
	if (!skel) {
		err = -errno;
		goto bpf_fail;
	}
	link = bpf_program__attach_iter(skel->progs.pf_task, NULL);
	if (!link) {
		err = -errno;
		goto bpf_fail;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto bpf_fail;
	}
	while ((n = read(fd, (char *)&rec + got, sizeof(rec) - got)) > 0) {
		const char *func = NULL;

		got += n;
		if (got < sizeof(rec))
			continue;
		got = 0;
		tasks++;
		for (int i = 0; i < rec.nr && i < KLP_TOP_PF_DEPTH && !func; i++)
			func = wanted(ksym_of(rec.ips[i]));
		if (!func)
			continue;
		if (!blockers++)
			printf("%8s %-16s %s (then its stack)\n", "PID", "COMM",
			       "FUNCTION");
		printf("%8u %-16s %s%s\n", rec.pid, rec.comm, func,
		       rec.running ? " (running: its stack may be stale)" : "");
		for (int i = 0; i < rec.nr && i < KLP_TOP_PF_DEPTH; i++)
			print_frame(rec.ips[i]);
	}
	if (n < 0) {
		err = -errno;
		fprintf(stderr, "klp-top: reading the task iterator: %s\n",
			strerror(-err));
		blockers = -1;
	} else if (blockers) {
		printf("verdict: %d of %d tasks would block %s now\n", blockers,
		       tasks, what);
	} else {
		printf("verdict: no task of %d holds a function of %s now\n",
		       tasks, what);
	}
	close(fd);
	bpf_link__destroy(link);
	klp_top_preflight_bpf__destroy(skel);
	return blockers < 0 ? 2 : blockers ? 1 : 0;
bpf_fail:
	if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "klp-top: not allowed to load BPF programs: run as root (CAP_BPF and CAP_PERFMON)\n");
	else
		fprintf(stderr, "klp-top: cannot run the task iterator: %s (-v shows why)\n",
			strerror(-err));
	bpf_link__destroy(link);
	klp_top_preflight_bpf__destroy(skel);
	return 2;
}
