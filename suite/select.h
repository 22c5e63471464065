/*
 * suite/select.h - which scenarios run, and in what order: filters by tag,
 * name and rule (shell globs), sharding (--shard K/N) and a seeded shuffle.
 */
#ifndef SUITE_SELECT_H
#define SUITE_SELECT_H

#include <stddef.h>

#include "scenario.h"

/*
 * Filter patterns (borrowed strings). Within one kind a scenario needs any
 * pattern to match; across kinds all kinds must match. A pattern starting
 * with '!' excludes instead (a scenario with any tag/name/rule matching it
 * is dropped). An empty kind matches everything.
 */
typedef struct suite_filter {
    const char **tags;
    size_t ntags;
    const char **names;
    size_t nnames;
    const char **rules;
    size_t nrules;
    unsigned shard_index;   /* 1-based K of --shard K/N; 0 = no sharding */
    unsigned shard_count;   /* N */
} suite_filter;

/* 1 when `s` passes the tag, name and rule filters of `f` (sharding aside). */
int suite_filter_match(const suite_filter *f, const suite_scenario *s);

/*
 * The scenarios of `set` that pass `f`, in load order, then cut to shard
 * K of N (every N-th of the filtered list, starting at K-1). `*out` is a new
 * array of borrowed pointers (free() it). Returns 0, or -1 on OOM.
 */
int suite_select(const suite_set *set, const suite_filter *f, suite_scenario ***out, size_t *n);

/* Parse "K/N" (1 <= K <= N). Returns 0, or -1 when malformed. */
int suite_shard_parse(const char *text, unsigned *k, unsigned *n);

/* Shuffle `items` in place, reproducibly for a given `seed`. */
void suite_shuffle(suite_scenario **items, size_t n, unsigned long long seed);

#endif /* SUITE_SELECT_H */
