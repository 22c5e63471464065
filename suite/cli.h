/*
 * suite/cli.h - the whole upay-suite program as a function, so tests can
 * run it in-process: options, loading, selection, target, run, reports.
 */
#ifndef SUITE_CLI_H
#define SUITE_CLI_H

#include <stdio.h>

/*
 * Run upay-suite with `argv`. The console report goes to `out` (or `errout`
 * with --tap, whose TAP goes to `out`); errors to `errout`.
 * Returns the exit status (exit.h): 0 nothing failed (an empty selection
 * included), 1 a scenario failed, 2 usage, scenario-file (with file, line and
 * column) or report-path errors, 3 the target cannot be reached or is no
 * UnifiedPay gateway (asked once, before the run). Whenever --junit or --tap
 * was given, a report is written that says what went wrong (bail.h); the
 * --junit path is checked before anything runs.
 */
int suite_cli_main(int argc, char **argv, FILE *out, FILE *errout);

#endif /* SUITE_CLI_H */
