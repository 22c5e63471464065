/*
 * upay/params.h - an ordered set of named string parameters.
 *
 * Every request and response of the protocol is one of these: the form codec
 * and the JSON codec fill it, the signer reads it. Names are unique; order of
 * insertion is kept (encoders write in that order). Names and values are
 * copied in and owned by the set.
 */
#ifndef UPAY_PARAMS_H
#define UPAY_PARAMS_H

#include "error.h"

UPAY_BEGIN_DECLS

typedef struct upay_params upay_params;

/* A new empty set, or NULL when memory runs out. Free with upay_params_free(). */
UPAY_API upay_params *upay_params_new(void);

/* A deep copy of `p`, or NULL when memory runs out (or `p` is NULL). */
UPAY_API upay_params *upay_params_dup(const upay_params *p);

/* Free the set and every string it holds. upay_params_free(NULL) is a no-op. */
UPAY_API void upay_params_free(upay_params *p);

/*
 * Set `name` to `value` (both copied). An existing name keeps its position
 * and gets the new value; a new name is appended.
 * Returns UPAY_OK, UPAY_E_NOMEM, or UPAY_E_INVALID_ARG (NULL argument).
 */
UPAY_API upay_code upay_params_set(upay_params *p, const char *name, const char *value);

/*
 * Append `name`=`value` (both copied), refusing a name already present.
 * Returns UPAY_OK, UPAY_E_FORM_DUPLICATE, UPAY_E_NOMEM or UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_params_add(upay_params *p, const char *name, const char *value);

/*
 * The value of `name`, or NULL when absent. Borrowed: valid until the name
 * is set again or removed, or the set is freed.
 */
UPAY_API const char *upay_params_get(const upay_params *p, const char *name);

/* Remove `name`. Returns 1 when it was present, 0 otherwise. */
UPAY_API int upay_params_remove(upay_params *p, const char *name);

/* Number of parameters. */
UPAY_API size_t upay_params_count(const upay_params *p);

/*
 * Name and value of the i-th parameter in insertion order (i < count), or
 * NULL when out of range. Borrowed, as for upay_params_get().
 */
UPAY_API const char *upay_params_name_at(const upay_params *p, size_t i);
UPAY_API const char *upay_params_value_at(const upay_params *p, size_t i);

UPAY_END_DECLS

#endif /* UPAY_PARAMS_H */
