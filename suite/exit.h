/*
 * suite/exit.h - upay-suite's exit statuses, shared by the runner, `record`
 * and `client`, so CI can tell a regression from a dead gateway.
 */
#ifndef SUITE_EXIT_H
#define SUITE_EXIT_H

enum {
    SUITE_EXIT_OK = 0,       /* every selected scenario passed (none selected included) */
    SUITE_EXIT_FAILED = 1,   /* a scenario failed (record: nothing to record, or the
                                journal lost the session's start) */
    SUITE_EXIT_USAGE = 2,    /* usage, scenario-file or output-path errors */
    SUITE_EXIT_TARGET = 3    /* the target cannot be reached or is no UnifiedPay gateway */
};

#endif /* SUITE_EXIT_H */
