/*
 * suite/vars.h - a scenario's variables: name -> value strings. Holds the
 * built-ins (mch, agent), values from --var, captures and generated numbers.
 */
#ifndef SUITE_VARS_H
#define SUITE_VARS_H

#include <stddef.h>

typedef struct suite_vars suite_vars;

/* A new empty set, or NULL on OOM. Free with suite_vars_free(). */
suite_vars *suite_vars_new(void);
void suite_vars_free(suite_vars *v);

/* Set `name` to `value` (both copied; replaces). Returns 0, or -1 on OOM. */
int suite_vars_set(suite_vars *v, const char *name, const char *value);

/* The value of `name`, or NULL. Borrowed until the name is set again. */
const char *suite_vars_get(const suite_vars *v, const char *name);

/* Copy every variable of `from` into `to`. Returns 0, or -1 on OOM. */
int suite_vars_merge(suite_vars *to, const suite_vars *from);

size_t suite_vars_count(const suite_vars *v);
const char *suite_vars_name_at(const suite_vars *v, size_t i);

#endif /* SUITE_VARS_H */
