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
	local d
	ls -1d "$1"/2*.* 2>/dev/null | sort | head -n -10 | while read -r d; do
		if [ -e "$d/.running" ] &&
		   [ -z "$(find "$d/.running" -mmin +1440 2>/dev/null)" ]; then
			continue
		fi
		rm -rf "$d"
	done
}
