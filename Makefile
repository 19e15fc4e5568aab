# SPDX-License-Identifier: GPL-2.0
#
# klpx: build entry points.
#
#   make              klpx.ko, test modules, BPF objects, tools, the kernel's
#                     own livepatch selftests (build/upstream, from linux-source-6.1)
#   make check        install deps, build, run every selftest case file in its
#                     own VM and the packages' check (check-pkg.sh) on the
#                     host, J=N at a time (default nproc), one TAP stream;
#                     KLPX_PKG=0 skips the packages, as does KLPX_CASES
#                     unless KLPX_PKG=1
#   make soak         make check with the stress cases' full rounds and the
#                     built-in livepatch's reference runs (KLPX_SOAK=1)
#   make check-pkg    only the packages' check: build, install, dkms, VM, purge
#   make check-bench  prove the bench catches a failing case, a WARN, a panic
#                     and a hang, also among parallel VMs
#   make bench        klpx against the built-in livepatch in one VM boot
#                     (docs/performance.md; BENCH_ROUNDS, BENCH_SIZES, ...)
#   make demo         install deps, build, boot, load klpx and the sample patch
#   make vm           interactive shell in the VM with klpx.ko loaded
#   make vm-run SCRIPT=path [ARGS="..."]   run a script in the VM
#   make deps         install the toolchain, unpack the reference kernel
#   make install      klpx.ko, headers + Module.symvers, klp-top, man page
#                     (PREFIX=/usr, DESTDIR=; depmod unless DESTDIR is set)
#   make uninstall    remove what make install installed
#   make deb          klpx-dkms and klp-top .deb files in build/deb
#                     (docs/real-machine.md)
#   make clean
#
# KDIR=dir builds against another kernel (default: the reference kernel's
# headers, from selftests/bench/env.sh), e.g. KDIR=/lib/modules/$(uname -r)/build.
# check, check-bench, bench, demo, vm, vm-run and check-pkg build with
# -j$(nproc) unless the command line has a -j (make -j1 check: one job).
# V=1 shows the commands.  KLPX_CASES="selftests/cases/1*.sh" runs a subset;
# J=N (or KLPX_JOBS=N) sets how many VMs make check runs at a time.

.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

BENCH := $(CURDIR)/selftests/bench

# KVER, KDIR, KLPX_VMLINUX...: only when a goal needs them (env.sh asks
# apt's local cache, nothing else).  Command-line values win.
ifneq ($(filter-out clean help deb,$(or $(MAKECMDGOALS),all)),)
$(foreach kv,$(shell $(BENCH)/env.sh),$(eval $(firstword $(subst =, ,$(kv))) ?= $(patsubst $(firstword $(subst =, ,$(kv)))=%,%,$(kv))))
endif

# Split BTF for our modules needs the BTF of the kernel they load into:
# the reference vmlinux from the cache, or the running kernel's.
ifeq ($(KDIR),/usr/src/linux-headers-$(KVER))
BTF_BASE ?= $(KLPX_VMLINUX)
else
BTF_BASE ?= /sys/kernel/btf/vmlinux
endif

# Test modules link against klpx's exports.  kbuild's "Skipping BTF" note
# is dropped: the btf rule below does that step.
KBUILD = $(MAKE) -C $(KDIR) $(if $(filter 1,$(V)),V=1) M=$(CURDIR)/$(1) \
	$(if $(filter-out kernel,$(1)),KBUILD_EXTRA_SYMBOLS=$(CURDIR)/kernel/Module.symvers) \
	$(2) 2>&1 | { grep -v '^Skipping BTF generation' || true; }
MODULE_DIRS := $(patsubst %/Kbuild,%,$(wildcard kernel/Kbuild selftests/modules/Kbuild))
SUB_DIRS := $(patsubst %/Makefile,%,$(wildcard bpf/Makefile tools/klp-top/Makefile selftests/perf/Makefile \
	selftests/progs/Makefile))

.PHONY: all modules modules-kernel subdirs $(SUB_DIRS) upstream upstream-src upstream-builtin \
	upstream-klpx btf klp-convert kdir deps check soak check-bench bench demo vm vm-run \
	meta-modules clean help install uninstall deb check-pkg

# The steps run in parallel under make -jN (check, bench, demo, ... use
# every core by default, BUILD_J below), each after what it reads:
#   modules-kernel    kernel/klpx.ko, its BTF         (KDIR)
#   modules           selftests/modules/*.ko          (kernel/Module.symvers)
#   bpf, tools/klp-top, selftests/{perf,progs}         (BTF_BASE; klp-top: bpf/'s skeletons)
#   upstream-builtin  build/upstream/builtin          (KDIR)
#   upstream-klpx     build/upstream/klpx             (kernel/Module.symvers, klpx.ko)
# Recipe lines that run a make start with '+' or name $(MAKE): the
# jobserver then reaches kbuild and the subdirectories.
all: modules subdirs upstream

# The kernel's livepatch selftests and test modules, extracted from Debian's
# linux-source-6.1 and built twice: against klpx (through compat.h) and
# against the built-in livepatch (selftests/cases/6[01]-upstream-*.sh).
PREPARE = KDIR=$(KDIR) KVER=$(KVER) MAKE="$(MAKE)" selftests/upstream/prepare.sh
upstream: upstream-builtin upstream-klpx
upstream-src:
	$(Q)$(PREPARE) src $(if $(filter 1,$(V)),,>/dev/null)
upstream-builtin: upstream-src
	+$(Q)$(PREPARE) builtin $(if $(filter 1,$(V)),,>/dev/null)
upstream-klpx: upstream-src modules-kernel
	+$(Q)$(PREPARE) klpx $(if $(filter 1,$(V)),,>/dev/null)

kdir:
	$(Q)[ -f "$(KDIR)/Makefile" ] || \
		{ echo "no kernel build dir $(KDIR): run 'make deps' or pass KDIR=" >&2; exit 1; }

# kernel/ first: the test modules link against its Module.symvers.
modules-kernel: kdir
	+$(Q)$(call KBUILD,kernel,modules)
	$(Q)$(MAKE) btf BTF_DIRS=kernel
	$(Q)$(MAKE) klp-convert CONVERT_DIRS=kernel

modules: modules-kernel
	+$(Q)$(foreach d,$(filter-out kernel,$(MODULE_DIRS)),$(call KBUILD,$(d),modules) &&) true
	$(Q)$(MAKE) btf BTF_DIRS="$(filter-out kernel,$(MODULE_DIRS))"
	$(Q)$(MAKE) klp-convert CONVERT_DIRS="$(filter-out kernel,$(MODULE_DIRS))"

# Patch modules that declare symbols with KLPX_SYMBOL (include/klpx/relocs.h)
# get their klp relocations (scripts/klpx-convert, docs/patch-author.md);
# a module converted once has no .note.klpx.syms any more and is left alone.
# (No 'readelf | grep -q' in these loops: under pipefail, grep's early exit
# can kill readelf with SIGPIPE and make the test false, which once left a
# patch module unconverted.)
# KLPX_CONVERT_SKIP: modules left unconverted (35-relocs.sh proves klpx
# refuses one).
KLPX_CONVERT_SKIP := selftests/modules/klpx_test_relocs_raw.ko
klp-convert:
	$(Q)for ko in $(filter-out $(KLPX_CONVERT_SKIP),$(foreach d,$(CONVERT_DIRS),$(wildcard $(d)/*.ko))); do \
		case "$$(readelf -S -W $$ko)" in *' .note.klpx.syms '*) ;; *) continue ;; esac; \
		scripts/klpx-convert $(if $(filter 1,$(V)),-v) $$ko || exit 1; \
	done

# pahole adds split BTF to each module once (kbuild skips it: the headers
# package has no vmlinux).  /sys/kernel/btf/<module> then appears on load.
btf:
	$(Q)if [ ! -r "$(BTF_BASE)" ]; then \
		echo "*** no base BTF $(BTF_BASE): modules built WITHOUT BTF;" \
		     "klp-top and tp_btf programs cannot load (run 'make deps')" >&2; exit 0; fi; \
	if ! command -v pahole >/dev/null; then \
		echo "*** pahole not found (package dwarves): modules built WITHOUT BTF;" \
		     "klp-top and tp_btf programs cannot load (run 'make deps')" >&2; exit 0; fi; \
	for ko in $(foreach d,$(BTF_DIRS),$(wildcard $(d)/*.ko)); do \
		case "$$(readelf -S -W $$ko)" in *' .BTF '*) continue ;; esac; \
		echo "  PAHOLE  $$ko"; \
		LLVM_OBJCOPY=objcopy pahole -J --btf_gen_floats -j --lang_exclude=rust \
			--btf_base $(BTF_BASE) $$ko || exit 1; \
	done

# tools/klp-top asks bpf/ for its skeletons itself: after bpf/, never
# beside it (two makes in bpf/ would race on vmlinux.h).
subdirs: $(SUB_DIRS)
$(SUB_DIRS):
	$(Q)$(MAKE) -C $@ KDIR=$(KDIR) BTF_VMLINUX=$(BTF_BASE)
$(filter tools/klp-top,$(SUB_DIRS)): $(filter bpf,$(SUB_DIRS))

deps:
	$(Q)$(BENCH)/deps.sh

# The build that check, check-bench, bench, demo, vm, vm-run and check-pkg
# start with: every core (nproc) unless the command line says -jN.
BUILD_J = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))

# Deps first, then a sub-make: KDIR and friends are read again after deps.sh
# has installed the headers.
# The packages' check runs on the host as one of the J jobs (check.sh
# --host), first.  It prints one skipped line (never a pass) with KLPX_PKG=0,
# or with KLPX_CASES and no KLPX_PKG=1; when it runs, deps.sh installs
# the packaging tools too (KLPX_PKG=1).  make soak is make check with
# KLPX_SOAK=1: the stress cases' full rounds and the soak-only files (the
# built-in livepatch's reference runs), three times the VM timeouts.
ifeq ($(KLPX_PKG)$(KLPX_CASES),)
check soak: export KLPX_PKG := 1
endif
soak: export KLPX_SOAK := 1
check soak: deps
	$(Q)$(MAKE) $(BUILD_J) all
	$(Q)$(if $(J),KLPX_JOBS=$(J)) $(BENCH)/check.sh --host selftests/pkg/check-pkg.sh

meta-modules: modules-kernel
	+$(Q)$(call KBUILD,selftests/meta/warn,modules)
	$(Q)$(MAKE) btf BTF_DIRS=selftests/meta/warn

check-bench: deps
	$(Q)$(MAKE) $(BUILD_J) all meta-modules
	$(Q)$(BENCH)/check-bench.sh

bench: deps
	$(Q)$(MAKE) $(BUILD_J) all
	$(Q)BENCH_ROUNDS=$(or $(BENCH_ROUNDS),5) $(if $(BENCH_CALLS),BENCH_CALLS=$(BENCH_CALLS)) \
		$(if $(BENCH_SIZES),BENCH_SIZES="$(BENCH_SIZES)") \
		$(foreach v,BENCH_SAT_SIZES BENCH_SAT_ROUNDS BENCH_SAT_PRIO BENCH_SECTIONS BENCH_MANY_SIZES,$(if $($(v)),$(v)="$($(v))")) \
		selftests/perf/run.sh

demo: deps
	$(Q)$(MAKE) $(BUILD_J) all
	$(Q)$(BENCH)/vm.sh -- selftests/demo.sh

vm: deps
	$(Q)$(MAKE) $(BUILD_J) all
	$(Q)$(BENCH)/vm.sh --shell -- $(BENCH)/guest-shell.sh

vm-run:
	$(Q)[ -n "$(SCRIPT)" ] || { echo "usage: make vm-run SCRIPT=path [ARGS=...]" >&2; exit 2; }
	$(Q)[ -f "$(SCRIPT)" ] || { echo "no such script: $(SCRIPT)" >&2; exit 2; }
	$(Q)$(MAKE) deps
	$(Q)$(MAKE) $(BUILD_J) all
	$(Q)$(BENCH)/vm.sh -- bash $(abspath $(SCRIPT)) $(ARGS)

# --- install -------------------------------------------------------------
# klpx.ko for the kernel KDIR belongs to (its kernel.release), into
# updates/ so it wins over any other copy; the API headers and the
# Module.symvers patch modules link against into $(INCLUDEDIR)/klpx
# (docs/real-machine.md shows a patch's build against them).
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
# (UTS_RELEASE: Debian's include/config/kernel.release holds the upstream
# version, not the ABI name modules go under)
INSTALL_KVER = $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(KVER))
MODDIR = /lib/modules/$(INSTALL_KVER)/updates
KLPX_HEADERS := $(wildcard include/klpx/*.h)

install: modules subdirs
	$(Q)[ -n "$(INSTALL_KVER)" ] || { echo "cannot tell the kernel release of $(KDIR)" >&2; exit 1; }
	install -D -m 0644 kernel/klpx.ko $(DESTDIR)$(MODDIR)/klpx.ko
	install -d $(DESTDIR)$(INCLUDEDIR)/klpx
	install -m 0644 $(KLPX_HEADERS) kernel/Module.symvers $(DESTDIR)$(INCLUDEDIR)/klpx/
	install -D -m 0755 tools/klp-top/klp-top $(DESTDIR)$(SBINDIR)/klp-top
	install -D -m 0644 tools/klp-top/klp-top.8 $(DESTDIR)$(MANDIR)/man8/klp-top.8
	install -D -m 0755 scripts/klpx-convert $(DESTDIR)$(BINDIR)/klpx-convert
	install -D -m 0644 scripts/klpx-convert.1 $(DESTDIR)$(MANDIR)/man1/klpx-convert.1
ifeq ($(DESTDIR),)
	depmod -a $(INSTALL_KVER)
endif

# The same KDIR (or KVER) as make install's.
uninstall:
	$(Q)[ -n "$(INSTALL_KVER)" ] || { echo "cannot tell the kernel release of $(KDIR)" >&2; exit 1; }
	rm -f $(DESTDIR)$(MODDIR)/klpx.ko
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(MODDIR)
	rm -f $(foreach h,$(notdir $(KLPX_HEADERS)) Module.symvers,$(DESTDIR)$(INCLUDEDIR)/klpx/$(h))
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(INCLUDEDIR)/klpx
	rm -f $(DESTDIR)$(SBINDIR)/klp-top $(DESTDIR)$(MANDIR)/man8/klp-top.8
	rm -f $(DESTDIR)$(BINDIR)/klpx-convert $(DESTDIR)$(MANDIR)/man1/klpx-convert.1
ifeq ($(DESTDIR),)
	depmod -a $(INSTALL_KVER)
endif

# The packages (docs/real-machine.md): built from a copy of the tree, which
# this one's build products do not reach.
deb:
	$(Q)scripts/build-debs.sh build/deb

# Build, install and test the packages on this host and in the VM (TAP).
check-pkg: export KLPX_PKG := 1
check-pkg: deps
	$(Q)$(MAKE) $(BUILD_J) all
	$(Q)selftests/pkg/check-pkg.sh

clean:
	$(Q)for d in $(MODULE_DIRS) selftests/meta/warn; do \
		[ -f $$d/Kbuild ] || continue; \
		rm -f $$d/*.o $$d/*.ko $$d/*.mod $$d/*.mod.c $$d/.*.cmd \
		      $$d/modules.order $$d/Module.symvers; \
	done
	$(Q)$(foreach d,$(SUB_DIRS),$(MAKE) -C $(d) clean &&) true
	$(Q)rm -rf build

help:
	@sed -n '3,25s/^# \{0,1\}//p' Makefile
