// SPDX-License-Identifier: GPL-2.0
/* trace.c - the one file that defines the klp tracepoints */
#define CREATE_TRACE_POINTS
#include <trace/events/klp.h>
