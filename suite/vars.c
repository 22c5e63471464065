/*
 * suite/vars.c - the variable set of a scenario (see vars.h). Small sets, so
 * a linear array is plenty.
 */
#include "vars.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct suite_vars {
    char **names;
    char **values;
    size_t count;
    size_t cap;
};

suite_vars *suite_vars_new(void)
{
    return calloc(1, sizeof(suite_vars));
}

void suite_vars_free(suite_vars *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++) {
        free(v->names[i]);
        free(v->values[i]);
    }
    free(v->names);
    free(v->values);
    free(v);
}

int suite_vars_set(suite_vars *v, const char *name, const char *value)
{
    if (!v || !name || !value)
        return -1;
    char *val = suite_strdup(value);
    if (!val)
        return -1;
    for (size_t i = 0; i < v->count; i++) {
        if (strcmp(v->names[i], name) == 0) {
            free(v->values[i]);
            v->values[i] = val;
            return 0;
        }
    }
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        char **n = realloc(v->names, cap * sizeof *n);
        if (!n) {
            free(val);
            return -1;
        }
        v->names = n;
        char **vv = realloc(v->values, cap * sizeof *vv);
        if (!vv) {
            free(val);
            return -1;
        }
        v->values = vv;
        v->cap = cap;
    }
    char *nm = suite_strdup(name);
    if (!nm) {
        free(val);
        return -1;
    }
    v->names[v->count] = nm;
    v->values[v->count] = val;
    v->count++;
    return 0;
}

const char *suite_vars_get(const suite_vars *v, const char *name)
{
    if (!v || !name)
        return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->names[i], name) == 0)
            return v->values[i];
    return NULL;
}

int suite_vars_merge(suite_vars *to, const suite_vars *from)
{
    if (!from)
        return 0;
    for (size_t i = 0; i < from->count; i++)
        if (suite_vars_set(to, from->names[i], from->values[i]) != 0)
            return -1;
    return 0;
}

size_t suite_vars_count(const suite_vars *v)
{
    return v ? v->count : 0;
}

const char *suite_vars_name_at(const suite_vars *v, size_t i)
{
    return v && i < v->count ? v->names[i] : NULL;
}
