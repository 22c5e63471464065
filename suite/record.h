/*
 * suite/record.h - `upay-suite record`: turn one merchant's journal on a
 * running upay-mock (GET /mock/journal?mch_id=...) into a scenario file
 * that replays the same calls, with the same clock moves and the same
 * forced faults, and expects the same outcomes. Ids the gateway makes up
 * (transaction_id, refund_id...) are captured from the answers and used as
 * variables afterwards, never hard-coded; the merchant becomes ${mch}.
 * So a QA session at the counter becomes a regression scenario.
 */
#ifndef SUITE_RECORD_H
#define SUITE_RECORD_H

#include <stdio.h>

#include "util.h"

/*
 * Convert the journal answer `journal_json` ({"entries": [...]}, oldest
 * first) of merchant `mch` into a scenario file named `name`. `*out` gets
 * the file's text (caller frees). Returns the number of calls recorded
 * (0 is an error: nothing to record), or -1 with a sentence in `err`.
 */
int suite_record_convert(const char *journal_json, const char *mch, const char *name, char **out,
                         suite_buf *err);

/*
 * The `upay-suite record` command: argv[0] is "record". Options --target
 * URL (required), --mch-id M (required), --out FILE (default stdout),
 * --name NAME, --partial, --insecure. Returns the exit status (exit.h): 0
 * written; 1 nothing to record, or the journal no longer holds the start of
 * the merchant's session (record_start.h) and --partial was not given; 2
 * usage or an unwritable --out; 3 the mock cannot be reached.
 */
int suite_record_main(int argc, char **argv, FILE *out, FILE *errout);

#endif /* SUITE_RECORD_H */
