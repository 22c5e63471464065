/*
 * suite/template.h - ${...} expansion in scenario strings.
 *
 *   ${NAME}               a variable: a capture, a "set" step, --var, or a
 *                         built-in (mch, agent, scenario, i inside "repeat")
 *   ${gen:NAME}           a unique value made on first use in the scenario and
 *                         the same value afterwards ([A-Za-z0-9_], <= 24 chars)
 *   ${code:WALLET}        a valid payment code of WALLET (wechat, alipay, ...)
 *   ${code:WALLET:DIGITS} the same, ending in DIGITS (selects a mock persona)
 *   ${code:invalid}       a code that fits no wallet
 *   ${input:NAME}         a value the tester supplies (--var NAME=V, or a
 *                         prompt on a TTY); missing -> the scenario is skipped
 *   $$                    a literal '$'
 *
 * On a target without mock control, ${code:WALLET} (no digits) is a real code
 * and reads ${input:code.WALLET}.
 */
#ifndef SUITE_TEMPLATE_H
#define SUITE_TEMPLATE_H

#include "util.h"
#include "vars.h"

/*
 * Asks the tester for input `name` (prompt text `why`). Returns a new string
 * (caller frees) or NULL when none can be had.
 */
typedef char *(*suite_input_fn)(void *ctx, const char *name, const char *why);

typedef struct suite_tpl_env {
    suite_vars *vars;            /* read and written (gen: values are stored) */
    const char *gen_tag;         /* unique per scenario and run, [A-Za-z0-9] */
    unsigned long long rng;      /* state for payment codes; any seed */
    unsigned gen_count;          /* values generated so far */
    int live_codes;              /* nonzero: ${code:W} reads ${input:code.W} */
    suite_input_fn input;        /* may be NULL (inputs then come only from vars) */
    void *input_ctx;
} suite_tpl_env;

/* Results of suite_expand(). */
enum {
    SUITE_TPL_OK = 0,
    SUITE_TPL_ERROR = -1,   /* bad template or unknown variable: `err` says which */
    SUITE_TPL_MISSING = 1   /* an ${input:..} is not available: skip; `err` says which */
};

/*
 * Expand `in` into `*out` (new string, caller frees; NULL on failure).
 * Returns one of SUITE_TPL_*; on failure `err` gets one sentence.
 */
int suite_expand(suite_tpl_env *env, const char *in, char **out, suite_buf *err);

/*
 * Check the ${...} syntax of `in` without expanding (load time). Returns 0,
 * or -1 with a sentence in `err`.
 */
int suite_template_check(const char *in, suite_buf *err);

/*
 * Write a payment code for `wallet` (case-insensitive name, or "invalid")
 * ending in `suffix` (digits, may be NULL) into `out` (>= 32 bytes), using
 * and advancing `*rng`. Returns 0, or -1 for an unknown wallet or a suffix
 * that does not fit.
 */
int suite_make_code(const char *wallet, const char *suffix, unsigned long long *rng,
                    char *out, size_t outlen);

/* splitmix64 step: the suite's only random source (seeded, reproducible). */
unsigned long long suite_rand_next(unsigned long long *state);

#endif /* SUITE_TEMPLATE_H */
