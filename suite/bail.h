/*
 * suite/bail.h - reports for a run that could not run: a bad option, a bad
 * scenario file, an unwritable report path or a dead target still leave a
 * JUnit file and a TAP "Bail out!" that say what went wrong, so CI shows the
 * reason instead of "no results". Also the check of output paths that runs
 * before anything else does.
 */
#ifndef SUITE_BAIL_H
#define SUITE_BAIL_H

#include <stdio.h>

#include "util.h"

/* What a run was asked to report (zero-initialise; NULL = not asked). */
typedef struct suite_bail_to {
    const char *prog;    /* "upay-suite", "upay-suite client": the stderr prefix */
    FILE *tap;           /* TAP goes here (--tap), or NULL */
    const char *junit;   /* --junit FILE, or NULL */
    FILE *errout;        /* stderr */
} suite_bail_to;

/*
 * Say why the run cannot go on: "PROG: message" on errout, a TAP "Bail out!"
 * and a JUnit file with the error (kind as for suite_bail_junit()), as far as
 * `to` asks for them; kind "output" writes no JUnit (its path is the
 * problem). Returns `status`, for `return suite_bail(...)`.
 */
int suite_bail(const suite_bail_to *to, int status, const char *kind, const char *message);

/*
 * Write a JUnit file at `path` holding one testcase, "upay-suite.<kind>"
 * (`kind`: "usage", "scenarios", "target", "output"), with an <error> whose
 * message is the first line of `message` and whose text is all of it.
 * Returns 0, or -1 with a sentence in `err`.
 */
int suite_bail_junit(const char *path, const char *kind, const char *message, suite_buf *err);

/* TAP 13 that stops at once: "TAP version 13", then "Bail out! <first line of message>". */
void suite_bail_tap(FILE *f, const char *message);

/*
 * Check that a report can be written at `path` before a run starts: the file
 * is opened for appending (created when missing, and then removed again).
 * Returns 0, or -1 with a sentence ("cannot write PATH: reason") in `err`.
 */
int suite_output_check(const char *path, suite_buf *err);

#endif /* SUITE_BAIL_H */
