/*
 * suite/select.c - filters, sharding and seeded order (see select.h).
 */
#include "select.h"

#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "util.h"

/* -1 excluded, 1 included, 0 no include-pattern matched. */
static int match_kind(const char **pats, size_t npats, char *const *vals, size_t nvals)
{
    int any_include = 0, hit = 0;
    for (size_t p = 0; p < npats; p++) {
        int exclude = pats[p][0] == '!';
        const char *pat = pats[p] + exclude;
        if (!exclude)
            any_include = 1;
        for (size_t v = 0; v < nvals; v++) {
            if (!suite_glob_match(pat, vals[v]))
                continue;
            if (exclude)
                return -1;
            hit = 1;
        }
    }
    return (hit || !any_include) ? 1 : 0;
}

int suite_filter_match(const suite_filter *f, const suite_scenario *s)
{
    if (!f)
        return 1;
    char *name = s->name;
    return match_kind(f->tags, f->ntags, s->tags, s->ntags) == 1 &&
           match_kind(f->names, f->nnames, &name, 1) == 1 &&
           match_kind(f->rules, f->nrules, s->rules, s->nrules) == 1;
}

int suite_select(const suite_set *set, const suite_filter *f, suite_scenario ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    suite_scenario **items = malloc((set->count ? set->count : 1) * sizeof *items);
    if (!items)
        return -1;
    size_t kept = 0, passed = 0;
    for (size_t i = 0; i < set->count; i++) {
        if (!suite_filter_match(f, set->items[i]))
            continue;
        if (!f || f->shard_count == 0 || passed % f->shard_count == f->shard_index - 1)
            items[kept++] = set->items[i];
        passed++;
    }
    *out = items;
    *n = kept;
    return 0;
}

int suite_shard_parse(const char *text, unsigned *k, unsigned *n)
{
    if (!text)
        return -1;
    char *end;
    unsigned long a = strtoul(text, &end, 10);
    if (end == text || *end != '/')
        return -1;
    const char *second = end + 1;
    unsigned long b = strtoul(second, &end, 10);
    if (end == second || *end || a < 1 || b < 1 || a > b || b > 100000)
        return -1;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return 0;
}

void suite_shuffle(suite_scenario **items, size_t n, unsigned long long seed)
{
    unsigned long long state = seed;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(suite_rand_next(&state) % i);
        suite_scenario *t = items[i - 1];
        items[i - 1] = items[j];
        items[j] = t;
    }
}
