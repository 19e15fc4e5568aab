// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - system states: what a patch changed in the running system
 * (an id and a version), so that a later patch can take the change over or
 * be refused when it cannot.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include "core.h"
#include "transition.h"
#include "state.h"

#define klpx_for_each_state(patch, state) \
	for (state = (patch)->states; state && state->id; state++)

/**
 * klpx_get_state() - @patch's state @id, or NULL
 */
struct klpx_state *klpx_get_state(struct klpx_patch *patch, unsigned long id)
{
	struct klpx_state *state;

	klpx_for_each_state(patch, state)
		if (state->id == id)
			return state;
	return NULL;
}
EXPORT_SYMBOL_GPL(klpx_get_state);

/**
 * klpx_get_prev_state() - state @id of the patches enabled before the one
 * in transition: for its callbacks, to take the state over. NULL outside
 * a transition or if no earlier patch has it.
 *
 * An atomic replace moves the patches it replaced to klpx_replaced before
 * its post_patch callbacks run; they count as earlier, and the newest
 * state wins (klpx_replaced holds older patches first, like klpx_patches).
 */
struct klpx_state *klpx_get_prev_state(unsigned long id)
{
	struct klpx_patch *patch, *cur = klpx_transition_patch;
	struct klpx_state *state, *last = NULL;

	lockdep_assert_held(&klpx_mutex);
	if (WARN_ON_ONCE(!cur))
		return NULL;
	list_for_each_entry(patch, &klpx_replaced, list) {
		state = klpx_get_state(patch, id);
		if (state)
			last = state;
	}
	klpx_for_each_patch(patch) {
		if (patch == cur)
			break;
		state = klpx_get_state(patch, id);
		if (state)
			last = state;
	}
	return last;
}
EXPORT_SYMBOL_GPL(klpx_get_prev_state);

/*
 * A new patch must keep every state of the enabled patches it could
 * undo: same id with at least the same version. A replace patch must
 * carry all of them. klpx_mutex held.
 */
int klpx_check_states(struct klpx_patch *patch)
{
	struct klpx_state *old, *state;
	struct klpx_patch *p;

	lockdep_assert_held(&klpx_mutex);
	klpx_for_each_patch(p) {
		klpx_for_each_state(p, old) {
			state = klpx_get_state(patch, old->id);
			if (!state && !patch->replace)
				continue;
			if (!state || state->version < old->version) {
				pr_err("patch '%s': states: state %lu version %u of patch '%s' not kept (%s)\n",
				       klpx_patch_name(patch), old->id,
				       old->version, klpx_patch_name(p),
				       state ? "older version" : "missing");
				return -EINVAL;
			}
		}
	}
	return 0;
}
