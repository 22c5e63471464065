/*
 * server/observe/journal.h - the latest requests and responses, in memory,
 * for GET /mock/journal: each with its merchant and the
 * merchant's clock, the fault forced on it (rule or header), the state
 * change it caused and the linter's findings (docs/edge-cases.md), so a
 * session can be replayed (`upay-suite record`). Thread-safe (its own lock).
 *
 * It keeps each merchant's latest exchanges. Until it is full nothing is
 * dropped; then a call of a merchant already holding its budget (capacity /
 * MOCK_JOURNAL_MERCHANT_SHARE) drops that merchant's own oldest entry, and
 * any other call drops the oldest entry of the merchant holding the most. So
 * a busy merchant (a load test, a long session) cannot evict a quiet
 * merchant's session, and a journal used by one merchant is a plain ring.
 */
#ifndef UPAY_MOCK_JOURNAL_H
#define UPAY_MOCK_JOURNAL_H

#include <stddef.h>

#define MOCK_JOURNAL_CAPACITY 2048  /* entries kept (default; upay-mock --journal-size) */
#define MOCK_JOURNAL_SIZE_MIN 16     /* the sizes --journal-size and "journal_size" accept */
#define MOCK_JOURNAL_SIZE_MAX 1048576
#define MOCK_JOURNAL_MERCHANT_SHARE 4  /* one merchant holds at most capacity / this */
#define MOCK_JOURNAL_BODY_MAX 4096  /* bytes kept of each body */

typedef struct mock_journal mock_journal;

typedef struct mock_journal_entry {
    unsigned long long seq;   /* 1, 2, ... since start (or the last clear) */
    long long time;           /* real time, seconds since the epoch */
    int http_status;
    char call[16];            /* the request's `method` parameter, or "" */
    char *request;            /* body, truncated to MOCK_JOURNAL_BODY_MAX */
    char *response;
    /* what the mock knows of the exchange ("" / 0 when nothing) */
    char mch_id[33];
    long long mch_time;       /* the merchant's clock when the call ran; 0 before a merchant */
    char out_trade_no[33];    /* the order the call named or touched */
    char out_refund_no[33];
    unsigned long long rule;  /* id of the rule that fired */
    char fault[48];           /* the fault forced ("drop", "refund_processing=60") */
    char fault_source[8];     /* "rule" or "header" */
    char change[256];         /* the state changes it caused */
    char lint[128];           /* linter findings it raised, comma-separated */
    char detail[240];         /* our English diagnosis (the X-Upay-Detail header), or "" */
    unsigned long long epoch; /* mock_journal_epoch() when the call ran; 0: not known */
} mock_journal_entry;

/* A journal keeping `capacity` entries (0 = MOCK_JOURNAL_CAPACITY). NULL when out of memory. */
mock_journal *mock_journal_new(size_t capacity);

/* The entries one merchant may hold in a journal of `capacity` (0 = the default). */
size_t mock_journal_budget(size_t capacity);

/* Free the journal. NULL is a no-op. */
void mock_journal_free(mock_journal *j);

/*
 * Record one exchange (bodies are copied, truncated). `call` may be NULL.
 * Silently drops the entry when memory runs out.
 */
void mock_journal_add(mock_journal *j, long long time, const char *call, const char *request,
                      size_t request_len, int http_status, const char *response,
                      size_t response_len);

/*
 * Record one exchange with what the mock knows of it: `info`'s text and
 * number fields are copied (its seq, time, request and response are
 * ignored); the bodies are copied, truncated. Drops the entry when memory
 * runs out.
 */
void mock_journal_record(mock_journal *j, long long time, const mock_journal_entry *info,
                         const char *request, size_t request_len, const char *response,
                         size_t response_len);

/*
 * Forget every entry and start a new epoch: an entry recorded later whose
 * `epoch` is an older one (a call that ran before the clear and finished
 * after it) is dropped, so a reset journal holds only what came after it.
 */
void mock_journal_clear(mock_journal *j);

/*
 * What the journal holds: bytes allocated (its slots and the body buffers,
 * which stay with their slots and are reused) and entries (either may be
 * NULL).
 */
void mock_journal_usage(mock_journal *j, size_t *bytes, size_t *entries);

/* The current epoch (how many clears so far, plus one). */
unsigned long long mock_journal_epoch(mock_journal *j);

/*
 * Call `fn` for the latest `limit` entries, oldest first, under the
 * journal's lock (`fn` must not call back into the journal). Entries are
 * borrowed for the duration of the call.
 */
typedef void (*mock_journal_fn)(const mock_journal_entry *e, void *user);
void mock_journal_each(mock_journal *j, size_t limit, mock_journal_fn fn, void *user);

/*
 * As mock_journal_each, for the latest `limit` entries of merchant `mch_id`
 * and order `out_trade_no` (either NULL: any).
 */
void mock_journal_each_match(mock_journal *j, size_t limit, const char *mch_id,
                             const char *out_trade_no, mock_journal_fn fn, void *user);

#endif /* UPAY_MOCK_JOURNAL_H */
