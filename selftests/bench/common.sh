# SPDX-License-Identifier: GPL-2.0
#
# common.sh - helpers shared by the host-side bench scripts (sourced).

msg()
{
	echo "  BENCH   $*" >&2
}

die()
{
	echo "bench: error: $*" >&2
	exit 1
}

klpx_cache()
{
	echo "${KLPX_CACHE:-${HOME:-/root}/.cache/klpx}"
}

# prune_runs DIR: keep the newest 10 run directories in DIR, and any that
# is still in use (a .running file younger than a day: a long make check
# must not lose its directory to the runs that started after it)
prune_runs()
{
	# a glob, not `ls | sort`: several VMs start and prune at once (check-
	# bench boots five), and ls failing on a directory another one just
	# removed made the pipeline fail and vm.sh (set -e) exit silently
	local d all=("$1"/2*.*) n
	n=$(( ${#all[@]} - 10 ))
	[ "$n" -gt 0 ] || return 0
	for d in "${all[@]:0:n}"; do
		if [ -e "$d/.running" ] &&
		   [ -z "$(find "$d/.running" -mmin +1440 2>/dev/null)" ]; then
			continue
		fi
		rm -rf "$d" 2>/dev/null || true
	done
	return 0
}

# out_has PATTERN CMD [ARG...]: CMD's standard output has a line matching
# PATTERN (grep -E).  Not `CMD | grep -q`: under pipefail that pipeline fails
# when grep stops at its first match and CMD, still writing, dies of SIGPIPE
# (seen in CI: readelf -S on a module with 40 sections).  CMD's own exit
# status does not count, as with a plain pipe.
out_has()
{
	local pat=$1 out
	shift
	out=$("$@") || true
	grep -q -E -- "$pat" <<<"$out"
}
