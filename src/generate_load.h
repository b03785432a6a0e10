/* generate_load.h - bulk loading of a generated workspace model and its entry stream.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_GENERATE_LOAD_H
#define REPORTD_GENERATE_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "generate.h"

/* Counts of the rows gen_load_stream loaded. */
struct gen_load_result {
    uint64_t entries;
    uint64_t running;   /* entries without an end */
    uint64_t tag_links; /* entry_tags rows */
    bool totals_loaded; /* true when the day totals were loaded, else the caller refreshes them */
};

/* Loads the model's users, memberships, groups, clients, projects, project members, tasks and
 * tags, in the caller's transaction. Returns 0, or -1 with db->error set. */
int gen_load_model(struct db *db, const struct gen_model *model);

/* Streams the model's entries into time_entries and entry_tags, in the caller's transaction.
 * With count_totals (a workspace without entries) it also builds and loads the day totals,
 * unless an entry arrives out of day order. Memory stays flat for any number of entries. Returns
 * 0, or -1 with db->error set. */
int gen_load_stream(struct db *db, const struct gen_model *model, bool count_totals,
                    struct gen_load_result *result);

/* Seconds on the monotonic clock, for timing the load. */
double gen_now(void);

#endif
