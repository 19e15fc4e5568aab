#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare.sh - the kernel's own livepatch selftests, made ready to run against
# klpx and against the built-in livepatch (selftests/cases/6[01]-upstream-*.sh).
#
#   prepare.sh [STEP...]  (run by make; KDIR, KVER from selftests/bench/env.sh)
#
# STEP: src (extract), builtin, klpx (build one variant; src first if
# needed); none: all three.  make runs src, then builtin and klpx apart, in
# parallel under -j (builtin needs nothing of klpx's build).  MAKE: the make
# that builds the modules (the top Makefile passes its own: the jobserver).
#
# Nothing of the kernel's source is kept in the repository: this extracts, at
# build time, lib/livepatch/ and tools/testing/selftests/livepatch/ from
# Debian's linux-source-6.1 tarball (/usr/src/linux-source-6.1.tar.xz, package
# linux-source-6.1, installed by selftests/bench/deps.sh) into
# build/upstream/src/, then makes two variants:
#
#   build/upstream/builtin/   the test modules unchanged (<linux/livepatch.h>,
#                             the kernel's built-in livepatch), the scripts
#                             unchanged but for where modprobe finds modules
#   build/upstream/klpx/      the test modules with <klpx/compat.h> in place
#                             of <linux/livepatch.h>, linked against klpx.ko,
#                             the scripts mapped to klpx (sysfs path, log
#                             prefix, dynamic debug; docs/patch-author.md,
#                             "Upstream's selftests through compat.h")
#
# Each variant has mod/ (Kbuild, sources, .ko), root/lib/modules/$KVER/extra
# (the .ko files and a depmod index: the scripts' modprobe runs with -d root),
# tests/ (functions.sh, the upstream test-*.sh, and one script per upstream
# case: case-NN.sh = the test file's setup + that one start_test block) and
# cases.list ("NN<TAB>test-file<TAB>case name", one line per start_test).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=selftests/bench/common.sh
. "$root/selftests/bench/common.sh"

if [ -z "${KDIR:-}" ] || [ -z "${KVER:-}" ]; then
	eval "$("$root/selftests/bench/env.sh")"
fi
TARBALL=${KLPX_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
top=linux-source-6.1
out=$root/build/upstream
src=$out/src

[ -f "$TARBALL" ] ||
	die "no $TARBALL: run 'make deps' (installs linux-source-6.1)"
[ -f "$KDIR/Makefile" ] || die "no kernel build dir $KDIR: run 'make deps'"

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(src builtin klpx)
for v in "${steps[@]}"; do
	case $v in
	src | builtin) ;;
	klpx) [ -f "$root/kernel/Module.symvers" ] ||
		die "build klpx first (make modules)" ;;
	*) die "usage: prepare.sh [src|builtin|klpx]..." ;;
	esac
done

# --- extract ------------------------------------------------------------------

# (run by the src step; a variant's step extracts only when src has not run)
if [ ! -f "$src/.stamp" ] || [ "$TARBALL" -nt "$src/.stamp" ] ||
   [ "$0" -nt "$src/.stamp" ]; then
	msg "extracting lib/livepatch and tools/testing/selftests/livepatch from $TARBALL"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$TARBALL" -C "$src.tmp" --strip-components=1 \
		"$top/lib/livepatch" "$top/tools/testing/selftests/livepatch"
	touch "$src.tmp/.stamp"
	mv "$src.tmp" "$src"
fi
LIB=$src/lib/livepatch
SELF=$src/tools/testing/selftests/livepatch
[ -f "$LIB/Makefile" ] && [ -f "$SELF/functions.sh" ] ||
	die "$TARBALL does not hold lib/livepatch and the livepatch selftests"

# --- modules ------------------------------------------------------------------

# make_mod VARIANT: mod/ with Kbuild and the (mapped) sources.
make_mod()
{
	local v=$1 d=$out/$1/mod f
	mkdir -p "$d"
	# obj-$(CONFIG_TEST_LIVEPATCH) += ... -> obj-m += ...
	sed 's/obj-\$(CONFIG_TEST_LIVEPATCH)/obj-m/' "$LIB/Makefile" >"$d/Kbuild.new"
	if [ "$v" = klpx ]; then
		echo "ccflags-y += -I$root/include" >>"$d/Kbuild.new"
	fi
	cmp -s "$d/Kbuild.new" "$d/Kbuild" 2>/dev/null && rm "$d/Kbuild.new" ||
		mv "$d/Kbuild.new" "$d/Kbuild"
	for f in "$LIB"/*.c; do
		if [ "$v" = klpx ]; then
			# the one change compat.h asks of a patch author
			sed 's|^#include <linux/livepatch\.h>|#include <klpx/compat.h>|' \
				"$f" >"$d/$(basename "$f").new"
		else
			cp "$f" "$d/$(basename "$f").new"
		fi
		# keep the mtime of unchanged files: kbuild rebuilds nothing
		if cmp -s "$d/$(basename "$f").new" "$d/$(basename "$f")" 2>/dev/null; then
			rm "$d/$(basename "$f").new"
		else
			mv "$d/$(basename "$f").new" "$d/$(basename "$f")"
		fi
	done
	if [ "$v" = klpx ]; then
		# every file that used the livepatch API now uses compat.h
		! grep -l 'linux/livepatch\.h' "$d"/*.c ||
			die "sed left <linux/livepatch.h> in the files above"
	fi
}

# mod_current VARIANT: nothing the variant's modules are built from (their
# sources and Kbuild, the kernel headers, and for klpx its headers and
# Module.symvers) changed since the last build: kbuild would do nothing,
# slowly (it takes 20-60 s to find that out on a busy host).
mod_current()
{
	local v=$1 d=$out/$1/mod inputs
	[ -f "$d/.built" ] || return 1
	inputs=("$d" "$KDIR/Makefile" "$KDIR/include/config/auto.conf")
	[ "$v" = klpx ] && inputs+=("$root/kernel/Module.symvers" "$root/include")
	[ -z "$(find "${inputs[@]}" -newer "$d/.built" ! -name '*.ko' \
		! -name '*.o' ! -name '*.mod*' ! -name '.*.cmd' ! -name 'Module.symvers' \
		! -name modules.order ! -name .built ! -type d -print -quit)" ]
}

build_mod()
{
	local v=$1 d=$out/$1/mod extra=()
	if mod_current "$v"; then
		msg "upstream test modules ($v) up to date"
		return
	fi
	[ "$v" = klpx ] && extra=(KBUILD_EXTRA_SYMBOLS="$root/kernel/Module.symvers")
	msg "building the upstream test modules ($v)"
	rm -f "$d/.built"
	${MAKE:-make} -C "$KDIR" M="$d" "${extra[@]}" modules 2>&1 |
		{ grep -v '^Skipping BTF generation' || true; }
	[ "${PIPESTATUS[0]}" = 0 ] || die "building $d failed"
	touch "$d/.built"
}

# make_root VARIANT: root/lib/modules/$KVER/extra with a depmod index, so
# that "modprobe -d root NAME" loads exactly these modules (klpx.ko with the
# klpx variant, which its modules depend on).
make_root()
{
	local v=$1 r=$out/$1/root m=$out/$1/root/lib/modules/$KVER
	rm -rf "$r"
	mkdir -p "$m/extra"
	cp "$out/$v/mod"/*.ko "$m/extra/"
	[ "$v" = klpx ] && cp "$root/kernel/klpx.ko" "$m/extra/"
	: >"$m/modules.order"
	: >"$m/modules.builtin"
	: >"$m/modules.builtin.modinfo"
	depmod -b "$r" "$KVER"
	[ -s "$m/modules.dep" ] || die "depmod made no index in $m"
}

# --- scripts ------------------------------------------------------------------

# map_script VARIANT FILE: print FILE as the variant runs it.  Each mapping
# is listed in docs/patch-author.md ("Upstream's selftests through
# compat.h"); keep the two in step.
map_script()
{
	local v=$1 f=$2
	if [ "$v" = klpx ]; then
		sed -e 's|/sys/kernel/livepatch|/sys/kernel/klpx|g' \
		    -e 's|^livepatch: |klpx: |' \
		    -e 's|"livepatch: |"klpx: |g' \
		    -e "s|grep -e 'livepatch:'|grep -e 'klpx:'|" \
		    -e 's|file kernel/livepatch/\* +p|module klpx +p|' \
		    "$f"
	else
		cat "$f"
	fi
	if [ "$(basename "$f")" = functions.sh ]; then
		cat <<-'EOF'

		# --- added by klpx's selftests/upstream/prepare.sh ---
		# The test modules are not installed: modprobe and modinfo look in
		# the tree prepare.sh built (modprobe -d, modinfo -b).
		modprobe() { command modprobe -d "$KLPX_UP_MODROOT" "$@"; }
		modinfo() { command modinfo -b "$KLPX_UP_MODROOT" "$@"; }
		EOF
		# klpx names the state, version and patch a states refusal is
		# about; upstream says one sentence
		if [ "$v" = klpx ]; then
			cat <<-'EOF'
			dmesg() {
				command dmesg "$@" | sed "s/^\(\[[ 0-9.]*\] \)\{0,1\}klpx: patch '\([^']*\)': states: .* not kept (.*)\$/\1klpx: Livepatch patch (\2) is not compatible with the already installed livepatches./"
			}
			EOF
		fi
	fi
}

# split_cases VARIANT: tests/case-NN.sh per start_test, and cases.list.
split_cases()
{
	local v=$1 t=$out/$1/tests f base n=0 count i name
	rm -rf "$t"
	mkdir -p "$t"
	map_script "$v" "$SELF/functions.sh" >"$t/functions.sh"
	: >"$out/$v/cases.list.new"
	for f in "$SELF"/test-*.sh; do
		base=$(basename "$f")
		map_script "$v" "$f" >"$t/$base"
		count=$(grep -c '^start_test ' "$t/$base" || true)
		[ "$count" -gt 0 ] || die "$base has no start_test"
		for ((i = 1; i <= count; i++)); do
			n=$((n + 1))
			# the lines before the first start_test (sourcing
			# functions.sh, module names, setup_config), then the
			# i-th start_test up to the next one
			awk -v want="$i" '
				/^start_test / { k++ }
				k == 0 || k == want { print }
				END { print "\nexit 0" }' "$t/$base" >"$t/case-$(printf %02d $n).sh"
			name=$(grep '^start_test ' "$t/$base" | sed -n "${i}p" |
			       sed 's/^start_test "\(.*\)"[[:space:]]*$/\1/')
			printf '%02d\t%s\t%s\n' "$n" "$base" "$name" >>"$out/$v/cases.list.new"
		done
	done
	mv "$out/$v/cases.list.new" "$out/$v/cases.list"
}

for v in "${steps[@]}"; do
	[ "$v" = src ] && continue
	make_mod "$v"
	build_mod "$v"
	make_root "$v"
	split_cases "$v"
	msg "upstream selftests ($v): $(wc -l <"$out/$v/cases.list") cases in $out/$v"
done
