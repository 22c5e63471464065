/*
 * server/observe/journal.c - the latest exchanges, each merchant within its budget (see journal.h).
 */
#include "observe/journal.h"
#include "core/heap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIL ((size_t)-1)

/*
 * One held exchange, linked in time order twice: over the journal and within
 * its merchant. Its bodies live in the slot's own buffer, which stays with
 * the slot when the entry is dropped and is reused by the next entry there
 * when it needs the same size: a busy mock mostly copies bodies without
 * allocating, and no body is ever small enough for glibc's per-thread cache
 * (which once held 12 MiB of evicted bodies over the 384 workers).
 */
typedef struct slot {
    mock_journal_entry e;
    char *buf;             /* request, NUL, response, NUL */
    size_t cap;
    size_t prev, next;     /* journal order (NIL at the ends) */
    size_t mprev, mnext;   /* its merchant's order */
    size_t merchant;       /* index into merchants */
} slot;

/* A merchant with entries held (mch_id "" gathers the calls without one). */
typedef struct merchant {
    char mch_id[sizeof ((mock_journal_entry *)0)->mch_id];
    size_t head, tail;     /* its oldest and newest slot */
    size_t count;
} merchant;

struct mock_journal {
    pthread_mutex_t lock;
    slot *slots;
    size_t capacity;
    size_t budget;            /* entries one merchant may hold */
    size_t count;             /* entries held (<= capacity) */
    size_t head, tail;        /* oldest and newest slot, NIL when empty */
    size_t *free_slots;       /* a stack of unused slots */
    size_t nfree;
    merchant *merchants;      /* merchants with entries held, and one arriving */
    size_t nmerchants;
    unsigned long long seq;
    unsigned long long epoch; /* 1 + clears */
    size_t bytes;             /* slots, lists and body buffers */
};

/* A slot buffer's smallest size, and its steps: above glibc's per-thread cache (core/heap.h). */
#define BUF_MIN MOCK_HEAP_UNCACHED_MIN
#define BUF_STEP 256

static void reset_lists(mock_journal *j)
{
    j->count = 0;
    j->head = j->tail = NIL;
    j->nmerchants = 0;
    j->nfree = j->capacity;
    for (size_t i = 0; i < j->capacity; i++)
        j->free_slots[i] = j->capacity - 1 - i;
}

mock_journal *mock_journal_new(size_t capacity)
{
    if (capacity == 0)
        capacity = MOCK_JOURNAL_CAPACITY;
    mock_journal *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->slots = calloc(capacity, sizeof *j->slots);
    j->free_slots = calloc(capacity, sizeof *j->free_slots);
    j->merchants = calloc(capacity + 1, sizeof *j->merchants); /* + one arriving */
    if (!j->slots || !j->free_slots || !j->merchants || pthread_mutex_init(&j->lock, NULL) != 0) {
        free(j->slots);
        free(j->free_slots);
        free(j->merchants);
        free(j);
        return NULL;
    }
    j->capacity = capacity;
    j->bytes = sizeof *j + capacity * (sizeof *j->slots + sizeof *j->free_slots)
               + (capacity + 1) * sizeof *j->merchants;
    j->budget = mock_journal_budget(capacity);
    j->epoch = 1;
    reset_lists(j);
    return j;
}

size_t mock_journal_budget(size_t capacity)
{
    if (capacity == 0)
        capacity = MOCK_JOURNAL_CAPACITY;
    return capacity / MOCK_JOURNAL_MERCHANT_SHARE ? capacity / MOCK_JOURNAL_MERCHANT_SHARE : 1;
}

/* Drop a slot's entry; its buffer stays for the next one. */
static void entry_clear(mock_journal_entry *e)
{
    memset(e, 0, sizeof *e);
}

void mock_journal_free(mock_journal *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->capacity; i++)
        free(j->slots[i].buf);
    free(j->slots);
    free(j->free_slots);
    free(j->merchants);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

/* The merchant `mch_id`'s index, added when it has none; NIL never (capacity bounds it). */
static size_t merchant_of(mock_journal *j, const char *mch_id)
{
    for (size_t i = 0; i < j->nmerchants; i++)
        if (strcmp(j->merchants[i].mch_id, mch_id) == 0)
            return i;
    merchant *m = &j->merchants[j->nmerchants];
    snprintf(m->mch_id, sizeof m->mch_id, "%s", mch_id);
    m->head = m->tail = NIL;
    m->count = 0;
    return j->nmerchants++;
}

/* Drop the oldest entry of merchant `mi` (which holds at least one). */
static void evict_oldest(mock_journal *j, size_t mi)
{
    merchant *m = &j->merchants[mi];
    size_t k = m->head;
    slot *s = &j->slots[k];
    /* out of the journal's order */
    if (s->prev != NIL)
        j->slots[s->prev].next = s->next;
    else
        j->head = s->next;
    if (s->next != NIL)
        j->slots[s->next].prev = s->prev;
    else
        j->tail = s->prev;
    /* out of the merchant's */
    m->head = s->mnext;
    if (m->head != NIL)
        j->slots[m->head].mprev = NIL;
    else
        m->tail = NIL;
    m->count--;
    entry_clear(&s->e);
    j->free_slots[j->nfree++] = k;
    j->count--;
    if (m->count == 0) {   /* the last merchant takes its place */
        size_t last = --j->nmerchants;
        if (last != mi) {
            j->merchants[mi] = j->merchants[last];
            for (size_t x = j->merchants[mi].head; x != NIL; x = j->slots[x].mnext)
                j->slots[x].merchant = mi;
        }
    }
}

/* The merchant holding the most entries (the oldest such on a tie). */
static size_t busiest(const mock_journal *j)
{
    size_t best = 0;
    for (size_t i = 1; i < j->nmerchants; i++) {
        const merchant *a = &j->merchants[i], *b = &j->merchants[best];
        if (a->count > b->count
            || (a->count == b->count && j->slots[a->head].e.seq < j->slots[b->head].e.seq))
            best = i;
    }
    return best;
}

static size_t kept_length(const char *body, size_t len)
{
    return !body ? 0 : len > MOCK_JOURNAL_BODY_MAX ? MOCK_JOURNAL_BODY_MAX : len;
}

/*
 * Copy both bodies into slot `s`'s buffer, replaced when its size is not the
 * one they need (rounded up to BUF_STEP): a slot that once held an 8 KiB
 * ledger answer does not keep 8 KiB for the small calls after it. Freed and
 * allocated rather than realloc'ed: a shrinking realloc would hand its small
 * remainder to this thread's cache. 0 when memory runs out.
 */
static int slot_fill(mock_journal *j, slot *s, const char *request, size_t rl,
                     const char *response, size_t sl)
{
    size_t need = rl + 1 + sl + 1;
    size_t want = need < BUF_MIN ? BUF_MIN : (need + BUF_STEP - 1) / BUF_STEP * BUF_STEP;
    if (s->cap != want) {
        free(s->buf);
        j->bytes -= s->cap;
        s->cap = 0;
        s->buf = malloc(want);
        if (!s->buf)
            return 0;
        j->bytes += want;
        s->cap = want;
    }
    if (rl)
        memcpy(s->buf, request, rl);
    s->buf[rl] = '\0';
    if (sl)
        memcpy(s->buf + rl + 1, response, sl);
    s->buf[rl + 1 + sl] = '\0';
    s->e.request = s->buf;
    s->e.response = s->buf + rl + 1;
    return 1;
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
    size_t rl = kept_length(request, request_len), sl = kept_length(response, response_len);
    pthread_mutex_lock(&j->lock);
    if (info->epoch && info->epoch != j->epoch) {
        pthread_mutex_unlock(&j->lock);   /* the call ran before a clear: not this journal's */
        return;
    }
    size_t mi = merchant_of(j, info->mch_id);
    /* Full: a merchant at its budget gives up its own oldest entry, any other call
     * takes the oldest of the merchant holding the most (journal.h). */
    if (j->count >= j->capacity)
        evict_oldest(j, j->merchants[mi].count >= j->budget ? mi : busiest(j));
    mi = merchant_of(j, info->mch_id); /* an eviction may have moved it */
    size_t k = j->free_slots[j->nfree - 1];
    slot *s = &j->slots[k];
    if (!slot_fill(j, s, request, rl, response, sl)) {
        pthread_mutex_unlock(&j->lock);   /* out of memory: the entry is dropped */
        return;
    }
    j->nfree--;
    mock_journal_entry *e = &s->e;
    char *req = e->request, *resp = e->response;
    *e = *info;
    e->seq = ++j->seq;
    e->time = time;
    e->request = req;
    e->response = resp;
    merchant *m = &j->merchants[mi];
    s->merchant = mi;
    s->prev = j->tail;
    s->next = NIL;
    if (j->tail != NIL)
        j->slots[j->tail].next = k;
    else
        j->head = k;
    j->tail = k;
    s->mprev = m->tail;
    s->mnext = NIL;
    if (m->tail != NIL)
        j->slots[m->tail].mnext = k;
    else
        m->head = k;
    m->tail = k;
    m->count++;
    j->count++;
    pthread_mutex_unlock(&j->lock);
}

void mock_journal_usage(mock_journal *j, size_t *bytes, size_t *entries)
{
    size_t b = 0, n = 0;
    if (j) {
        pthread_mutex_lock(&j->lock);
        b = j->bytes;
        n = j->count;
        pthread_mutex_unlock(&j->lock);
    }
    if (bytes)
        *bytes = b;
    if (entries)
        *entries = n;
}

void mock_journal_clear(mock_journal *j)
{
    pthread_mutex_lock(&j->lock);
    for (size_t i = 0; i < j->capacity; i++)
        entry_clear(&j->slots[i].e);
    reset_lists(j);
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

static int matches(const mock_journal_entry *e, const char *mch_id, const char *out_trade_no)
{
    return (!mch_id || strcmp(e->mch_id, mch_id) == 0)
           && (!out_trade_no || strcmp(e->out_trade_no, out_trade_no) == 0);
}

void mock_journal_each(mock_journal *j, size_t limit, mock_journal_fn fn, void *user)
{
    mock_journal_each_match(j, limit, NULL, NULL, fn, user);
}

void mock_journal_each_match(mock_journal *j, size_t limit, const char *mch_id,
                             const char *out_trade_no, mock_journal_fn fn, void *user)
{
    pthread_mutex_lock(&j->lock);
    /* newest first to find the latest `limit` matches, then oldest first */
    size_t first = NIL, found = 0;
    for (size_t k = j->tail; k != NIL && found < limit; k = j->slots[k].prev)
        if (matches(&j->slots[k].e, mch_id, out_trade_no)) {
            found++;
            first = k;
        }
    for (size_t k = first; k != NIL; k = j->slots[k].next)
        if (matches(&j->slots[k].e, mch_id, out_trade_no))
            fn(&j->slots[k].e, user);
    pthread_mutex_unlock(&j->lock);
}
