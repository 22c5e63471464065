/*
 * suite/client/client_program.h - runs the integrator's point-of-sale
 * program for one business action: `/bin/sh -c COMMAND` with the contract's
 * environment (docs/client-conformance.md), its standard output and error
 * captured, killed (its whole process group) when it runs past a limit.
 * Safe to call from several threads at once.
 */
#ifndef SUITE_CLIENT_PROGRAM_H
#define SUITE_CLIENT_PROGRAM_H

#include <stddef.h>

/* How one run of the program ended. Strings owned; free with suite_prog_result_clear(). */
typedef struct suite_prog_result {
    int started;        /* 1 when the shell was started */
    int timed_out;      /* 1 when it ran past the limit and was killed */
    int exited;         /* 1 when it exited (not killed by a signal) */
    int exit_status;    /* its exit status when `exited` */
    int signal;         /* the signal that ended it, else 0 */
    double seconds;     /* wall time */
    char *out;          /* standard output ("" when none; the first 256 KiB) */
    char *err;          /* standard error ("" when none; the first 64 KiB) */
} suite_prog_result;

/*
 * Run `command` through /bin/sh -c with the current environment plus
 * `env` (n "NAME=value" strings, borrowed; they replace variables of the
 * same name), standard input from /dev/null, for at most `limit_seconds`.
 * Fills `*r` (zeroed first). Returns 0 when the program ran (whatever its
 * status), -1 when it could not be started (then r->err says why).
 */
int suite_prog_run(const char *command, const char *const *env, size_t n,
                   double limit_seconds, suite_prog_result *r);

void suite_prog_result_clear(suite_prog_result *r);

/*
 * The last non-empty line of `out` as a new string (caller frees), or NULL
 * when there is none.
 */
char *suite_prog_last_line(const char *out);

#endif /* SUITE_CLIENT_PROGRAM_H */
