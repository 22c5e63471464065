/*
 * server/observe/journal.c - ring buffer of the latest exchanges (see journal.h).
 */
#include "observe/journal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mock_journal {
    pthread_mutex_t lock;
    mock_journal_entry *ring;
    size_t capacity;
    size_t count;             /* entries held (<= capacity) */
    size_t next;              /* slot of the next entry */
    unsigned long long seq;
    unsigned long long epoch; /* 1 + clears */
};

mock_journal *mock_journal_new(size_t capacity)
{
    if (capacity == 0)
        capacity = MOCK_JOURNAL_CAPACITY;
    mock_journal *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->ring = calloc(capacity, sizeof *j->ring);
    if (!j->ring || pthread_mutex_init(&j->lock, NULL) != 0) {
        free(j->ring);
        free(j);
        return NULL;
    }
    j->capacity = capacity;
    j->epoch = 1;
    return j;
}

static void entry_clear(mock_journal_entry *e)
{
    free(e->request);
    free(e->response);
    memset(e, 0, sizeof *e);
}

void mock_journal_free(mock_journal *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->capacity; i++)
        entry_clear(&j->ring[i]);
    free(j->ring);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

static char *copy_body(const char *body, size_t len)
{
    if (!body)
        len = 0;
    if (len > MOCK_JOURNAL_BODY_MAX)
        len = MOCK_JOURNAL_BODY_MAX;
    char *copy = malloc(len + 1);
    if (copy) {
        if (len)
            memcpy(copy, body, len);
        copy[len] = '\0';
    }
    return copy;
}

void mock_journal_add(mock_journal *j, long long time, const char *call, const char *request,
                      size_t request_len, int http_status, const char *response,
                      size_t response_len)
{
    mock_journal_entry info;
    memset(&info, 0, sizeof info);
    info.http_status = http_status;
    snprintf(info.call, sizeof info.call, "%s", call ? call : "");
    mock_journal_record(j, time, &info, request, request_len, response, response_len);
}

void mock_journal_record(mock_journal *j, long long time, const mock_journal_entry *info,
                         const char *request, size_t request_len, const char *response,
                         size_t response_len)
{
    char *req = copy_body(request, request_len);
    char *resp = copy_body(response, response_len);
    if (!req || !resp) {
        free(req);
        free(resp);
        return;
    }
    pthread_mutex_lock(&j->lock);
    if (info->epoch && info->epoch != j->epoch) {
        pthread_mutex_unlock(&j->lock);   /* the call ran before a clear: not this journal's */
        free(req);
        free(resp);
        return;
    }
    mock_journal_entry *e = &j->ring[j->next];
    entry_clear(e);
    *e = *info;
    e->seq = ++j->seq;
    e->time = time;
    e->request = req;
    e->response = resp;
    j->next = (j->next + 1) % j->capacity;
    if (j->count < j->capacity)
        j->count++;
    pthread_mutex_unlock(&j->lock);
}

void mock_journal_clear(mock_journal *j)
{
    pthread_mutex_lock(&j->lock);
    for (size_t i = 0; i < j->capacity; i++)
        entry_clear(&j->ring[i]);
    j->count = 0;
    j->next = 0;
    j->seq = 0;
    j->epoch++;
    pthread_mutex_unlock(&j->lock);
}

unsigned long long mock_journal_epoch(mock_journal *j)
{
    pthread_mutex_lock(&j->lock);
    unsigned long long epoch = j->epoch;
    pthread_mutex_unlock(&j->lock);
    return epoch;
}

void mock_journal_each(mock_journal *j, size_t limit, mock_journal_fn fn, void *user)
{
    pthread_mutex_lock(&j->lock);
    size_t n = limit < j->count ? limit : j->count;
    size_t start = (j->next + j->capacity - n) % j->capacity;
    for (size_t i = 0; i < n; i++)
        fn(&j->ring[(start + i) % j->capacity], user);
    pthread_mutex_unlock(&j->lock);
}

void mock_journal_each_match(mock_journal *j, size_t limit, const char *mch_id,
                             const char *out_trade_no, mock_journal_fn fn, void *user)
{
    pthread_mutex_lock(&j->lock);
    /* newest first to find the latest `limit` matches, then oldest first */
    size_t first = j->count, found = 0;
    for (size_t k = 0; k < j->count && found < limit; k++) {
        size_t slot = (j->next + j->capacity - 1 - k) % j->capacity;
        const mock_journal_entry *e = &j->ring[slot];
        if ((mch_id && strcmp(e->mch_id, mch_id) != 0)
            || (out_trade_no && strcmp(e->out_trade_no, out_trade_no) != 0))
            continue;
        found++;
        first = k;
    }
    for (size_t k = first + 1; found && k-- > 0;) {
        const mock_journal_entry *e = &j->ring[(j->next + j->capacity - 1 - k) % j->capacity];
        if ((mch_id && strcmp(e->mch_id, mch_id) != 0)
            || (out_trade_no && strcmp(e->out_trade_no, out_trade_no) != 0))
            continue;
        fn(e, user);
    }
    pthread_mutex_unlock(&j->lock);
}
