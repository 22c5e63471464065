/*
 * server/observe/lint.c - the integration linter (see lint.h): per merchant, what
 * the merchant was told about each order and refund, and the findings.
 */
#include "observe/lint.h"
#include "core/text.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* mock_call_kind values (request.h), repeated to keep this module pure. */
enum { CALL_PAY = 0, CALL_ORDERQUERY, CALL_REFUND, CALL_REFUNDQUERY, CALL_CANCEL };

typedef struct lint_refund {
    char out_refund_no[33];
    char status[12];            /* SUCCESS, PROCESSING, NOTSURE, FAIL, CHANGE, UNKNOWN */
} lint_refund;

typedef struct lint_order {
    char out_trade_no[33];
    char auth_code[33];
    long long total_fee;        /* of the first pay; -1 unknown */
    long long paid_at;          /* first pay */
    long long last_poll;        /* last pay or orderquery */
    long long last_seen;        /* last exchange about it */
    int pays;
    int pending;                /* the merchant knows no final outcome yet */
    int cancelled;              /* it sent a cancel */
    int abandoned_reported;
    unsigned short chain;       /* next order in its index bucket (LINT_NONE: last) */
    lint_refund *refunds;
    size_t nrefunds;
} lint_order;

typedef struct lint_finding {
    char kind[24];
    long long time;
    char out_trade_no[33];
    char out_refund_no[33];
    char message[200];
} lint_finding;

typedef struct lint_merchant {
    char mch_id[33];
    lint_order *orders;         /* grown on demand; a ring of MOCK_LINT_ORDERS_MAX once full */
    size_t norders, order_cap, order_next;
    unsigned short *order_heads; /* LINT_ORDER_BUCKETS chains of orders by out_trade_no,
                                    built once it has LINT_INDEX_FROM orders (else a scan) */
    lint_finding *findings;     /* grown on demand; a ring of MOCK_LINT_FINDINGS_MAX once full */
    size_t nfindings, finding_cap, finding_next;
    unsigned long long seen;    /* mock_lint_sequence() of its latest exchange */
    struct lint_merchant *chain;             /* next in its hash bucket */
    struct lint_merchant *newer, *older;     /* the list by latest exchange */
    struct lint_merchant *dnewer, *dolder;   /* the same, of merchants with details */
    int detailed;                            /* on that list */
} lint_merchant;

struct mock_lint {
    pthread_mutex_t lock;
    lint_merchant **buckets;    /* hash of mch_id; nbuckets is a power of two */
    size_t nbuckets;
    size_t count;
    lint_merchant *newest, *oldest;
    lint_merchant *dnewest, *doldest;        /* merchants with orders or findings */
    size_t ndetailed;
    unsigned long long seq;     /* exchanges observed */
    size_t bytes;               /* what the merchants hold, buckets included */
};

#define LINT_BUCKETS_MIN 64
#define LINT_GROW_FIRST 1       /* slots a merchant's orders and findings start with */
#define LINT_NONE 0xFFFFu       /* no order (index chains) */
#define LINT_ORDER_BUCKETS 512  /* a merchant's order index: twice MOCK_LINT_ORDERS_MAX */
#define LINT_INDEX_FROM 8       /* orders a merchant has before its index is built */

mock_lint *mock_lint_new(void)
{
    mock_lint *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->nbuckets = LINT_BUCKETS_MIN;
    l->buckets = calloc(l->nbuckets, sizeof *l->buckets);
    if (!l->buckets || pthread_mutex_init(&l->lock, NULL) != 0) {
        free(l->buckets);
        free(l);
        return NULL;
    }
    l->bytes = sizeof *l + l->nbuckets * sizeof *l->buckets;
    return l;
}

static size_t merchant_bytes(const lint_merchant *m)
{
    size_t n = sizeof *m + m->order_cap * sizeof *m->orders
               + m->finding_cap * sizeof *m->findings
               + (m->order_heads ? LINT_ORDER_BUCKETS * sizeof *m->order_heads : 0);
    for (size_t i = 0; i < m->norders; i++)
        n += m->orders[i].nrefunds * sizeof *m->orders[i].refunds;
    return n;
}

static void order_clear(lint_order *o)
{
    free(o->refunds);
    memset(o, 0, sizeof *o);
}

/* Free what a merchant learned (its orders and findings), keep when it was seen. */
static void details_free(lint_merchant *m)
{
    for (size_t i = 0; i < m->norders; i++)
        order_clear(&m->orders[i]);
    free(m->orders);
    free(m->order_heads);
    free(m->findings);
    m->orders = NULL;
    m->order_heads = NULL;
    m->findings = NULL;
    m->norders = m->order_cap = m->order_next = 0;
    m->nfindings = m->finding_cap = m->finding_next = 0;
}

static void merchant_free(lint_merchant *m)
{
    if (!m)
        return;
    details_free(m);
    free(m);
}

void mock_lint_free(mock_lint *l)
{
    if (!l)
        return;
    for (lint_merchant *m = l->newest, *next; m; m = next) {
        next = m->older;
        merchant_free(m);
    }
    free(l->buckets);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

/* FNV-1a of a merchant id. */
static size_t hash_of(const char *mch_id)
{
    size_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)mch_id; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

static void list_unlink(mock_lint *l, lint_merchant *m)
{
    if (m->newer)
        m->newer->older = m->older;
    else
        l->newest = m->older;
    if (m->older)
        m->older->newer = m->newer;
    else
        l->oldest = m->newer;
    m->newer = m->older = NULL;
}

static void list_push_newest(mock_lint *l, lint_merchant *m)
{
    m->older = l->newest;
    m->newer = NULL;
    if (l->newest)
        l->newest->newer = m;
    else
        l->oldest = m;
    l->newest = m;
}

static void dlist_unlink(mock_lint *l, lint_merchant *m)
{
    if (m->dnewer)
        m->dnewer->dolder = m->dolder;
    else
        l->dnewest = m->dolder;
    if (m->dolder)
        m->dolder->dnewer = m->dnewer;
    else
        l->doldest = m->dnewer;
    m->dnewer = m->dolder = NULL;
    m->detailed = 0;
    l->ndetailed--;
}

static void dlist_push_newest(mock_lint *l, lint_merchant *m)
{
    m->dolder = l->dnewest;
    m->dnewer = NULL;
    if (l->dnewest)
        l->dnewest->dnewer = m;
    else
        l->doldest = m;
    l->dnewest = m;
    m->detailed = 1;
    l->ndetailed++;
}

/*
 * After an exchange of `m`: a merchant with details becomes the newest of
 * them, and beyond MOCK_LINT_DETAILED_MAX the one whose latest exchange is
 * the oldest loses its details (it stays known, with when it was seen).
 */
static void details_touch(mock_lint *l, lint_merchant *m)
{
    if (!m->orders && !m->findings)
        return;
    if (m->detailed)
        dlist_unlink(l, m);
    dlist_push_newest(l, m);
    while (l->ndetailed > MOCK_LINT_DETAILED_MAX) {
        lint_merchant *old = l->doldest;
        l->bytes -= merchant_bytes(old) - sizeof *old;
        dlist_unlink(l, old);
        details_free(old);
    }
}

/* Take `m` out of the hash and the lists and free it. */
static void merchant_drop(mock_lint *l, lint_merchant *m)
{
    lint_merchant **p = &l->buckets[hash_of(m->mch_id) & (l->nbuckets - 1)];
    while (*p != m)
        p = &(*p)->chain;
    *p = m->chain;
    list_unlink(l, m);
    if (m->detailed)
        dlist_unlink(l, m);
    l->bytes -= merchant_bytes(m);
    l->count--;
    merchant_free(m);
}

/* Double the buckets when merchants outnumber them; silently stays when memory runs out. */
static void maybe_grow_buckets(mock_lint *l)
{
    if (l->count < l->nbuckets)
        return;
    size_t n = l->nbuckets * 2;
    lint_merchant **b = calloc(n, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < l->nbuckets; i++) {
        for (lint_merchant *m = l->buckets[i], *next; m; m = next) {
            next = m->chain;
            size_t k = hash_of(m->mch_id) & (n - 1);
            m->chain = b[k];
            b[k] = m;
        }
    }
    free(l->buckets);
    l->bytes += (n - l->nbuckets) * sizeof *b;
    l->buckets = b;
    l->nbuckets = n;
}

static lint_merchant *find_merchant(mock_lint *l, const char *mch_id, int create)
{
    size_t k = hash_of(mch_id) & (l->nbuckets - 1);
    for (lint_merchant *m = l->buckets[k]; m; m = m->chain)
        if (strcmp(m->mch_id, mch_id) == 0)
            return m;
    if (!create || strlen(mch_id) >= 33)
        return NULL;
    lint_merchant *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    mock_text_copy(m->mch_id, sizeof m->mch_id, mch_id);
    if (l->count == MOCK_LINT_MERCHANTS_MAX)
        merchant_drop(l, l->oldest);   /* the one whose latest exchange is the oldest */
    maybe_grow_buckets(l);
    k = hash_of(mch_id) & (l->nbuckets - 1);
    m->chain = l->buckets[k];
    l->buckets[k] = m;
    list_push_newest(l, m);
    l->count++;
    l->bytes += sizeof *m;
    return m;
}

/*
 * Make room for one more item in a ring that grows on demand: nonzero when
 * `*items` has a free slot at index `n` (or the ring is full at `max` and
 * the caller reuses its oldest slot). Grows by doubling, up to `max`.
 */
static int ring_room(mock_lint *l, void **items, size_t size, size_t n, size_t *cap, size_t max)
{
    if (n < *cap || n == max)
        return 1;
    size_t want = *cap ? *cap * 2 : LINT_GROW_FIRST;
    if (want > max)
        want = max;
    void *bigger = realloc(*items, want * size);
    if (!bigger)
        return 0;
    memset((char *)bigger + *cap * size, 0, (want - *cap) * size);
    l->bytes += (want - *cap) * size;
    *items = bigger;
    *cap = want;
    return 1;
}

static unsigned short *order_bucket(lint_merchant *m, const char *out_trade_no)
{
    return &m->order_heads[hash_of(out_trade_no) & (LINT_ORDER_BUCKETS - 1)];
}

static void index_add(lint_merchant *m, size_t k)
{
    unsigned short *head = order_bucket(m, m->orders[k].out_trade_no);
    m->orders[k].chain = *head;
    *head = (unsigned short)k;
}

static void index_remove(lint_merchant *m, size_t k)
{
    unsigned short *p = order_bucket(m, m->orders[k].out_trade_no);
    while (*p != LINT_NONE && *p != k)
        p = &m->orders[*p].chain;
    if (*p == k)
        *p = m->orders[k].chain;
}

/* Index a merchant's orders by out_trade_no; without memory it keeps scanning. */
static void index_build(mock_lint *l, lint_merchant *m)
{
    m->order_heads = malloc(LINT_ORDER_BUCKETS * sizeof *m->order_heads);
    if (!m->order_heads)
        return;
    memset(m->order_heads, 0xFF, LINT_ORDER_BUCKETS * sizeof *m->order_heads);
    l->bytes += LINT_ORDER_BUCKETS * sizeof *m->order_heads;
    for (size_t k = 0; k < m->norders; k++)
        index_add(m, k);
}

static lint_order *find_order(mock_lint *l, lint_merchant *m, const char *out_trade_no,
                              int create)
{
    if (m->order_heads) {
        for (unsigned k = *order_bucket(m, out_trade_no); k != LINT_NONE; k = m->orders[k].chain)
            if (strcmp(m->orders[k].out_trade_no, out_trade_no) == 0)
                return &m->orders[k];
    } else {
        for (size_t i = 0; i < m->norders; i++)
            if (strcmp(m->orders[i].out_trade_no, out_trade_no) == 0)
                return &m->orders[i];
    }
    if (!create || strlen(out_trade_no) >= 33)
        return NULL;
    void *items = m->orders;
    if (!ring_room(l, &items, sizeof *m->orders, m->norders, &m->order_cap,
                   MOCK_LINT_ORDERS_MAX))
        return NULL;
    m->orders = items;
    lint_order *o;
    if (m->norders < MOCK_LINT_ORDERS_MAX) {
        o = &m->orders[m->norders++];
    } else {
        o = &m->orders[m->order_next];
        if (m->order_heads)
            index_remove(m, m->order_next);
        m->order_next = (m->order_next + 1) % MOCK_LINT_ORDERS_MAX;
        l->bytes -= o->nrefunds * sizeof *o->refunds;
        order_clear(o);
    }
    mock_text_copy(o->out_trade_no, sizeof o->out_trade_no, out_trade_no);
    o->total_fee = -1;
    if (m->order_heads)
        index_add(m, (size_t)(o - m->orders));
    else if (m->norders >= LINT_INDEX_FROM)
        index_build(l, m);
    return o;
}

static lint_refund *find_refund(mock_lint *l, lint_order *o, const char *out_refund_no,
                                int create)
{
    for (size_t i = 0; i < o->nrefunds; i++)
        if (strcmp(o->refunds[i].out_refund_no, out_refund_no) == 0)
            return &o->refunds[i];
    if (!create || strlen(out_refund_no) >= 33 || o->nrefunds >= MOCK_LINT_REFUNDS_MAX)
        return NULL;
    lint_refund *bigger = realloc(o->refunds, (o->nrefunds + 1) * sizeof *bigger);
    if (!bigger)
        return NULL;
    o->refunds = bigger;
    l->bytes += sizeof *bigger;
    lint_refund *r = &o->refunds[o->nrefunds++];
    memset(r, 0, sizeof *r);
    mock_text_copy(r->out_refund_no, sizeof r->out_refund_no, out_refund_no);
    return r;
}

typedef struct raised_buf {
    char *text;
    size_t len;
    size_t count;
} raised_buf;

static void add_finding(mock_lint *l, lint_merchant *m, raised_buf *raised, const char *kind,
                        long long time, const char *out_trade_no, const char *out_refund_no,
                        const char *message)
{
    void *items = m->findings;
    if (!ring_room(l, &items, sizeof *m->findings, m->nfindings, &m->finding_cap,
                   MOCK_LINT_FINDINGS_MAX))
        return;   /* out of memory: the finding is not recorded (nor raised) */
    m->findings = items;
    lint_finding *f = &m->findings[m->finding_next];
    m->finding_next = (m->finding_next + 1) % MOCK_LINT_FINDINGS_MAX;
    if (m->nfindings < MOCK_LINT_FINDINGS_MAX)
        m->nfindings++;
    memset(f, 0, sizeof *f);
    mock_text_copy(f->kind, sizeof f->kind, kind);
    f->time = time;
    mock_text_copy(f->out_trade_no, sizeof f->out_trade_no, out_trade_no ? out_trade_no : "");
    mock_text_copy(f->out_refund_no, sizeof f->out_refund_no, out_refund_no ? out_refund_no : "");
    mock_text_copy(f->message, sizeof f->message, message);
    if (raised) {
        raised->count++;
        if (raised->text && raised->len) {
            size_t used = strlen(raised->text);
            snprintf(raised->text + used, raised->len - used, "%s%s", used ? "," : "", kind);
        }
    }
}

static int risky(const char *status)
{
    return !strcmp(status, "NOTSURE") || !strcmp(status, "PROCESSING")
           || !strcmp(status, "UNKNOWN");
}

/* After this pay or orderquery, does the merchant still not know the outcome? */
static int still_open(const mock_lint_event *e)
{
    return !e->told || (e->trade_state && !strcmp(e->trade_state, "NEED_QUERY"));
}

static const char *refund_status_told(const mock_lint_event *e)
{
    if (!e->told)
        return "UNKNOWN";
    const char *ts = e->trade_state ? e->trade_state : "";
    if (!strcmp(ts, "SUCCESS"))
        return "SUCCESS";
    if (!strcmp(ts, "PROCESSING"))
        return "PROCESSING";
    if (!strcmp(ts, "NEED_QUERY"))
        return "NOTSURE";
    if (!strcmp(ts, "FAIL"))
        return "FAIL";
    return NULL;   /* refused before processing: no refund exists */
}

static void on_pay(mock_lint *l, lint_merchant *m, const mock_lint_event *e, raised_buf *raised)
{
    lint_order *o = find_order(l, m, e->out_trade_no, 1);
    if (!o)
        return;
    if (o->pays > 0) {
        char msg[200];
        int same = e->auth_code && !strcmp(o->auth_code, e->auth_code) && o->total_fee == e->total_fee;
        snprintf(msg, sizeof msg, same
                     ? "pay sent again for out_trade_no %s: after an unknown outcome, query the "
                       "order (orderquery) instead of paying again (R-CLIENT-02)"
                     : "out_trade_no %s reused for a new payment attempt (another code or amount): "
                       "every attempt needs a new out_trade_no",
                 o->out_trade_no);
        add_finding(l, m, raised, "out_trade_no_reused", e->now, o->out_trade_no, NULL, msg);
    } else {
        o->paid_at = e->now;
        o->total_fee = e->total_fee;
        mock_text_copy(o->auth_code, sizeof o->auth_code, e->auth_code ? e->auth_code : "");
    }
    o->pays++;
    o->last_poll = o->last_seen = e->now;
    o->pending = still_open(e);
}

static void on_orderquery(mock_lint *l, lint_merchant *m, const mock_lint_event *e, raised_buf *raised)
{
    lint_order *o = find_order(l, m, e->out_trade_no, 0);
    if (!o)
        return;
    if (o->pending && e->now - o->last_poll < MOCK_LINT_POLL_MIN) {
        char msg[200];
        snprintf(msg, sizeof msg, "order %s polled %lld s after the previous pay or orderquery: "
                                  "wait at least %d s between polls (R-CLIENT-01)",
                 o->out_trade_no, e->now - o->last_poll, MOCK_LINT_POLL_MIN);
        add_finding(l, m, raised, "fast_polling", e->now, o->out_trade_no, NULL, msg);
    }
    o->last_poll = o->last_seen = e->now;
    o->pending = o->pending && still_open(e);
}

static void on_cancel(mock_lint *l, lint_merchant *m, const mock_lint_event *e, raised_buf *raised)
{
    lint_order *o = find_order(l, m, e->out_trade_no, 0);
    if (!o)
        return;
    if (!o->cancelled && e->now - o->paid_at < MOCK_LINT_CANCEL_MIN) {
        char msg[200];
        snprintf(msg, sizeof msg, "order %s cancelled %lld s after its pay: wait at least %d s "
                                  "(R-CLIENT-07)",
                 o->out_trade_no, e->now - o->paid_at, MOCK_LINT_CANCEL_MIN);
        add_finding(l, m, raised, "early_cancel", e->now, o->out_trade_no, NULL, msg);
    }
    o->cancelled = 1;
    o->last_seen = e->now;
    if (e->told && e->trade_state && !strcmp(e->trade_state, "SUCCESS"))
        o->pending = 0;
}

static void on_refund(mock_lint *l, lint_merchant *m, const mock_lint_event *e, raised_buf *raised)
{
    lint_order *o = find_order(l, m, e->out_trade_no, 1);
    if (!o || !e->out_refund_no)
        return;
    o->last_seen = e->now;
    char msg[200];
    long long total = e->order_total >= 0 ? e->order_total : o->total_fee;
    if (e->total_fee >= 0 && total >= 0 && e->total_fee != total) {
        snprintf(msg, sizeof msg, "refund %s of order %s gives total_fee %lld, the order's total "
                                  "is %lld",
                 e->out_refund_no, o->out_trade_no, e->total_fee, total);
        add_finding(l, m, raised, "refund_total_mismatch", e->now, o->out_trade_no, e->out_refund_no,
                    msg);
    }
    lint_refund *r = find_refund(l, o, e->out_refund_no, 0);
    if (!r) {
        for (size_t i = 0; i < o->nrefunds; i++) {
            if (!risky(o->refunds[i].status))
                continue;
            snprintf(msg, sizeof msg, "new refund %s while refund %s of order %s is %s: retry "
                                      "that one with the same out_refund_no (possible double "
                                      "refund, R-CLIENT-05)",
                     e->out_refund_no, o->refunds[i].out_refund_no, o->out_trade_no,
                     o->refunds[i].status);
            add_finding(l, m, raised, "double_refund_risk", e->now, o->out_trade_no,
                        e->out_refund_no, msg);
            break;
        }
    }
    const char *status = refund_status_told(e);
    if (!status)
        return;
    if (!r)
        r = find_refund(l, o, e->out_refund_no, 1);
    if (r)
        mock_text_copy(r->status, sizeof r->status, status);
}

static void on_refundquery(mock_lint *l, lint_merchant *m, const mock_lint_event *e)
{
    if (!e->told || !e->out_trade_no)
        return;
    lint_order *o = find_order(l, m, e->out_trade_no, 0);
    if (!o)
        return;
    o->last_seen = e->now;
    for (size_t i = 0; i < e->nrefunds; i++) {
        if (!e->refund_nos || !e->refund_statuses || !e->refund_nos[i] || !e->refund_statuses[i])
            continue;
        lint_refund *r = find_refund(l, o, e->refund_nos[i], 1);
        if (r)
            mock_text_copy(r->status, sizeof r->status, e->refund_statuses[i]);
    }
}

size_t mock_lint_observe(mock_lint *l, const mock_lint_event *e, char *raised, size_t raisedlen)
{
    if (raised && raisedlen)
        raised[0] = '\0';
    if (!l || !e || !e->mch_id)
        return 0;
    raised_buf rb = {raised, raisedlen, 0};
    pthread_mutex_lock(&l->lock);
    /* every exchange of a merchant counts as seeing it (retention), an order or not */
    lint_merchant *m = find_merchant(l, e->mch_id, 1);
    if (m) {
        m->seen = ++l->seq;
        list_unlink(l, m);
        list_push_newest(l, m);
    }
    if (m && e->out_trade_no && *e->out_trade_no) {
        switch (e->call_kind) {
        case CALL_PAY: on_pay(l, m, e, &rb); break;
        case CALL_ORDERQUERY: on_orderquery(l, m, e, &rb); break;
        case CALL_REFUND: on_refund(l, m, e, &rb); break;
        case CALL_REFUNDQUERY: on_refundquery(l, m, e); break;
        case CALL_CANCEL: on_cancel(l, m, e, &rb); break;
        default: break;
        }
    }
    if (m)
        details_touch(l, m);
    pthread_mutex_unlock(&l->lock);
    return rb.count;
}

static void check_abandoned(mock_lint *l, lint_merchant *m, long long now)
{
    for (size_t i = 0; i < m->norders; i++) {
        lint_order *o = &m->orders[i];
        if (!o->pays || !o->pending || o->cancelled || o->abandoned_reported
            || now - o->last_seen < MOCK_LINT_ABANDON_AFTER)
            continue;
        char msg[200];
        snprintf(msg, sizeof msg, "order %s left paying for %lld s without a cancel or a final "
                                  "orderquery (R-CLIENT-03, R-CLIENT-04)",
                 o->out_trade_no, now - o->last_seen);
        add_finding(l, m, NULL, "abandoned_order", now, o->out_trade_no, NULL, msg);
        o->abandoned_reported = 1;
    }
}

cJSON *mock_lint_report(mock_lint *l, const char *mch_id, long long now)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *list = doc ? cJSON_AddArrayToObject(doc, "findings") : NULL;
    if (!list || !cJSON_AddStringToObject(doc, "mch_id", mch_id ? mch_id : "")) {
        cJSON_Delete(doc);
        return NULL;
    }
    size_t n = 0;
    int ok = 1;
    if (l && mch_id) {
        pthread_mutex_lock(&l->lock);
        lint_merchant *m = find_merchant(l, mch_id, 0);
        if (m) {
            check_abandoned(l, m, now);
            size_t start = m->nfindings < MOCK_LINT_FINDINGS_MAX ? 0 : m->finding_next;
            for (size_t k = 0; k < m->nfindings && ok; k++) {
                const lint_finding *f = &m->findings[(start + k) % MOCK_LINT_FINDINGS_MAX];
                cJSON *o = cJSON_CreateObject();
                ok = o && cJSON_AddStringToObject(o, "kind", f->kind)
                     && cJSON_AddNumberToObject(o, "time", (double)f->time)
                     && cJSON_AddStringToObject(o, "out_trade_no", f->out_trade_no)
                     && cJSON_AddStringToObject(o, "out_refund_no", f->out_refund_no)
                     && cJSON_AddStringToObject(o, "message", f->message);
                if (o)
                    cJSON_AddItemToArray(list, o);
                n++;
            }
        }
        pthread_mutex_unlock(&l->lock);
    }
    if (!ok || !cJSON_AddNumberToObject(doc, "count", (double)n)) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

void mock_lint_forget(mock_lint *l, const char *mch_id)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    if (mch_id) {
        lint_merchant *m = find_merchant(l, mch_id, 0);
        if (m)
            merchant_drop(l, m);
    } else {
        while (l->oldest)
            merchant_drop(l, l->oldest);
    }
    pthread_mutex_unlock(&l->lock);
}

unsigned long long mock_lint_sequence(mock_lint *l)
{
    if (!l)
        return 0;
    pthread_mutex_lock(&l->lock);
    unsigned long long seq = l->seq;
    pthread_mutex_unlock(&l->lock);
    return seq;
}

int mock_lint_seen(mock_lint *l, const char *mch_id, unsigned long long *seq)
{
    if (!l || !mch_id)
        return 0;
    pthread_mutex_lock(&l->lock);
    lint_merchant *m = find_merchant(l, mch_id, 0);
    if (m && seq)
        *seq = m->seen;
    pthread_mutex_unlock(&l->lock);
    return m != NULL;
}

void mock_lint_usage(mock_lint *l, size_t *bytes, size_t *merchants)
{
    size_t b = 0, n = 0;
    if (l) {
        pthread_mutex_lock(&l->lock);
        b = l->bytes;
        n = l->count;
        pthread_mutex_unlock(&l->lock);
    }
    if (bytes)
        *bytes = b;
    if (merchants)
        *merchants = n;
}
