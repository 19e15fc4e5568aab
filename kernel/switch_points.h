/* SPDX-License-Identifier: GPL-2.0 */
/* switch_points.h - the switch-point probes (switch_points.c) */
#ifndef _KLPX_SWITCH_POINTS_H
#define _KLPX_SWITCH_POINTS_H

int klpx_switch_points_init(void);
void klpx_switch_points_exit(void);
void klpx_probes_register(void);
void klpx_probes_unregister(void);

#endif /* _KLPX_SWITCH_POINTS_H */
