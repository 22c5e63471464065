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
 * Returns the exit status: 0 nothing failed, 1 a scenario failed, 2 usage,
 * scenario-file or target errors.
 */
int suite_cli_main(int argc, char **argv, FILE *out, FILE *errout);

#endif /* SUITE_CLI_H */
