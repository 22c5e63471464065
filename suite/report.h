/*
 * suite/report.h - reporters: the console (a progress line per scenario,
 * failure details, the summary line CI parses), JUnit XML, TAP, and the
 * --list table.
 */
#ifndef SUITE_REPORT_H
#define SUITE_REPORT_H

#include <stdio.h>

#include "runner.h"

typedef struct suite_counts {
    size_t passed;
    size_t failed;
    size_t skipped;
    size_t notes;     /* fidelity notes (lines), over every scenario */
} suite_counts;

suite_counts suite_count(const suite_outcome *o, size_t n);

/*
 * 1 when console output to `f` should be coloured: `f` is a terminal and
 * NO_COLOR is unset or empty (https://no-color.org). Piped output never is.
 */
int suite_console_colour(FILE *f);

/* Console progress (a suite_progress_fn); `userdata` is the FILE * to write.
 * PASS, FAIL and SKIP are coloured when suite_console_colour() says so. */
void suite_console_progress(const suite_outcome *o, size_t done, size_t total, void *userdata);

/*
 * The end of the console report: the fidelity notes (decisions of ours the
 * target does otherwise, which fail nothing), the failed scenarios again,
 * then "N passed, N failed, N skipped" on a line of its own, then
 * "N fidelity notes" when there are any, then the time.
 */
void suite_console_summary(FILE *f, const suite_outcome *o, size_t n, double total_ms);

/* JUnit XML into `path`. Returns 0, or -1 with a sentence in `err`. */
int suite_junit_write(const char *path, const suite_outcome *o, size_t n, double total_ms,
                      suite_buf *err);

/* TAP version 13 into `f`. */
void suite_tap_write(FILE *f, const suite_outcome *o, size_t n);

/* One line per scenario: name, rules, requirements, tags, file. */
void suite_list_write(FILE *f, suite_scenario *const *items, size_t n);

/* `text` with XML's five special characters escaped (and control bytes
 * dropped) appended to `b`. */
void suite_xml_escape(suite_buf *b, const char *text);

#endif /* SUITE_REPORT_H */
