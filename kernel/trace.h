/* SPDX-License-Identifier: GPL-2.0 */
/* trace.h - the klp tracepoints, for the files of klpx.ko */
#ifndef _KLPX_TRACE_H
#define _KLPX_TRACE_H
#include <trace/events/klp.h>
#endif
