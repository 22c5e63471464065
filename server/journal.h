/*
 * server/journal.h - the latest requests and responses, in a ring buffer
 * in memory, for GET /mock/journal. Thread-safe (its own lock).
 */
#ifndef UPAY_MOCK_JOURNAL_H
#define UPAY_MOCK_JOURNAL_H

#include <stddef.h>

#define MOCK_JOURNAL_CAPACITY 256   /* entries kept */
#define MOCK_JOURNAL_BODY_MAX 4096  /* bytes kept of each body */

typedef struct mock_journal mock_journal;

typedef struct mock_journal_entry {
    unsigned long long seq;   /* 1, 2, ... since start (or the last clear) */
    long long time;           /* real time, seconds since the epoch */
    int http_status;
    char call[16];            /* the request's `method` parameter, or "" */
    char *request;            /* body, truncated to MOCK_JOURNAL_BODY_MAX */
    char *response;
} mock_journal_entry;

/* A journal keeping `capacity` entries (0 = MOCK_JOURNAL_CAPACITY). NULL when out of memory. */
mock_journal *mock_journal_new(size_t capacity);

/* Free the journal. NULL is a no-op. */
void mock_journal_free(mock_journal *j);

/*
 * Record one exchange (bodies are copied, truncated). `call` may be NULL.
 * Silently drops the entry when memory runs out.
 */
void mock_journal_add(mock_journal *j, long long time, const char *call, const char *request,
                      size_t request_len, int http_status, const char *response,
                      size_t response_len);

/* Forget every entry. */
void mock_journal_clear(mock_journal *j);

/*
 * Call `fn` for the latest `limit` entries, oldest first, under the
 * journal's lock (`fn` must not call back into the journal). Entries are
 * borrowed for the duration of the call.
 */
typedef void (*mock_journal_fn)(const mock_journal_entry *e, void *user);
void mock_journal_each(mock_journal *j, size_t limit, mock_journal_fn fn, void *user);

#endif /* UPAY_MOCK_JOURNAL_H */
