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
