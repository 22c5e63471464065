/*
 * suite/record_start.h - whether a merchant's journal still holds the start
 * of its session. The mock's journal keeps a bounded number of exchanges
 * (upay-mock --journal-size); a recording made after the first calls fell
 * out would replay refunds of orders it never pays. The merchant's orders
 * (GET /mock/orders) tell: each was made by a pay call, which must be in
 * the journal.
 */
#ifndef SUITE_RECORD_START_H
#define SUITE_RECORD_START_H

#include "util.h"

/*
 * Check the journal answer `journal_json` ({"entries": [...]}) against the
 * merchant's orders `orders_json` ({"orders": [...]}) of merchant `mch`.
 * Returns 0 when every order's pay call is in the journal, 1 when one is not
 * (a sentence naming the order and the oldest entry held in `why`), -1 when
 * either answer is unreadable (a sentence in `why`).
 */
int suite_record_start_check(const char *journal_json, const char *orders_json, const char *mch,
                             suite_buf *why);

#endif /* SUITE_RECORD_START_H */
