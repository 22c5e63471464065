/*
 * server/notify/notify.c - the notification queue, its schedule on the
 * merchant's clock and its sender threads (see notify.h).
 */
#include "notify/notify.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <upay/form.h>
#include <upay/protocol.h>
#include <upay/sign.h>

#include "core/ctx.h"
#include "core/merchant_key.h"
#include "gateway/request.h"
#include "notify/allow.h"
#include "notify/http_post.h"

/* Seconds between attempts: the vendor's "0/15s/15s/15s/30s/3m/3m/30m/30m/30m/30m/1h". */
static const int schedule[MOCK_NOTIFY_ATTEMPTS] = {
    0, 15, 15, 15, 30, 180, 180, 1800, 1800, 1800, 1800, 3600,
};

enum notice_status { PENDING, DELIVERED, GAVE_UP };

typedef struct notice {
    unsigned long long id;
    char mch_id[33];
    char out_trade_no[33];
    char agent_id[33];
    char url[MOCK_NOTIFY_URL_MAX + 1];
    int api;                       /* 1: the agent's key signs; 2: the merchant's */
    upay_params *fields;           /* the notification without nonce_str and sign */
    mock_notify_fault fault;
    int repeats;                   /* duplicate: deliveries still to repeat */
    int attempts;
    long long due;                 /* merchant clock of the next attempt */
    enum notice_status status;
    int in_flight;
    int held;                      /* after_refund: waiting for a refund */
    int last_http_status;
    char last_answer[128];
    struct notice *next;
} notice;

struct mock_notify {
    mock_ctx *ctx;
    mock_allow allow;
    pthread_mutex_t lock;          /* guards everything below */
    pthread_cond_t cond;
    notice *head;
    unsigned long long next_id;
    pthread_t threads[MOCK_NOTIFY_THREADS];
    int started;
    int stop;
};

/* What one sender took out of the queue for one attempt. */
typedef struct attempt {
    unsigned long long id;
    char mch_id[33];
    char out_trade_no[33];
    char agent_id[33];
    char url[MOCK_NOTIFY_URL_MAX + 1];
    int api;
    upay_params *fields;           /* a copy */
    int number;                    /* 1 = first */
    int bad_sign;
    int repeat;                    /* the duplicate of a delivered notification */
    int stale;                     /* after_refund: sent after the order was refunded */
    long long now;                 /* the merchant's clock when sent */
} attempt;

const char *mock_notify_fault_name(mock_notify_fault f)
{
    switch (f) {
    case MOCK_NOTIFY_FAULT_NONE: return "";
    case MOCK_NOTIFY_FAULT_DUPLICATE: return "duplicate";
    case MOCK_NOTIFY_FAULT_BAD_SIGN: return "bad_sign";
    case MOCK_NOTIFY_FAULT_AFTER_REFUND: return "after_refund";
    case MOCK_NOTIFY_FAULT_NEVER: return "never";
    }
    return "";
}

int mock_notify_fault_parse(const char *name, mock_notify_fault *out)
{
    for (int f = MOCK_NOTIFY_FAULT_DUPLICATE; f <= MOCK_NOTIFY_FAULT_NEVER; f++)
        if (name && strcmp(name, mock_notify_fault_name((mock_notify_fault)f)) == 0) {
            *out = (mock_notify_fault)f;
            return 0;
        }
    return -1;
}

static void notice_free(notice *x)
{
    if (x) {
        upay_params_free(x->fields);
        free(x);
    }
}

static void journal(mock_ctx *ctx, const attempt *a, const char *body, int http_status,
                    const char *answer, size_t answer_len, const char *change, const char *detail)
{
    mock_journal_entry info;
    memset(&info, 0, sizeof info);
    snprintf(info.call, sizeof info.call, "notify");
    info.http_status = http_status;
    snprintf(info.mch_id, sizeof info.mch_id, "%s", a->mch_id);
    info.mch_time = a->now;
    snprintf(info.out_trade_no, sizeof info.out_trade_no, "%s", a->out_trade_no);
    const char *fault = a->bad_sign ? "notify_bad_sign" : a->repeat ? "notify_duplicate"
                        : a->stale ? "notify_after_refund" : NULL;
    if (fault) {
        snprintf(info.fault, sizeof info.fault, "%s", fault);
        snprintf(info.fault_source, sizeof info.fault_source, "admin");
    }
    snprintf(info.change, sizeof info.change, "%s", change);
    snprintf(info.detail, sizeof info.detail, "%s", detail);
    mock_journal_record(ctx->journal, mock_clock_real_now(ctx->clock), &info, body,
                        body ? strlen(body) : 0, answer, answer_len);
}

/* The signed form body of attempt `a`; NULL when memory runs out. Owned (upay_free). */
static char *signed_body(mock_ctx *ctx, const attempt *a)
{
    char key[MOCK_MERCHANT_KEY_SIZE] = "";
    if (a->api == 2) {
        if (mock_merchant_key(ctx->config, a->agent_id, a->mch_id, key) != 0)
            return NULL;
    } else {
        const mock_agent *agent = mock_config_agent(ctx->config, a->agent_id);
        if (!agent)
            return NULL;
        snprintf(key, sizeof key, "%s", agent->key);
    }
    char nonce[MOCK_NONCE_SIZE];
    char sig[UPAY_SIGN_BUF_SIZE];
    char *body = NULL;
    mock_ids_nonce(ctx->ids, nonce);
    upay_params_remove(a->fields, "sign");
    if (upay_params_set(a->fields, "nonce_str", nonce) != UPAY_OK
        || upay_sign_compute(a->fields, key, UPAY_SIGN_MD5, sig) != UPAY_OK)
        return NULL;
    if (a->bad_sign)
        sig[0] = sig[0] == 'A' ? 'B' : 'A';   /* still hex, no longer the signature */
    if (upay_params_set(a->fields, "sign", sig) != UPAY_OK
        || upay_form_encode(a->fields, &body) != UPAY_OK)
        return NULL;
    return body;
}

/* The merchant's answer counts only as the plain text "success" (spaces and line ends around it allowed). */
static int answered_success(const mock_post_result *r)
{
    const char *b = r->body;
    size_t len = r->body_len;
    while (len && (*b == ' ' || *b == '\r' || *b == '\n' || *b == '\t')) {
        b++;
        len--;
    }
    while (len && (b[len - 1] == ' ' || b[len - 1] == '\r' || b[len - 1] == '\n' || b[len - 1] == '\t'))
        len--;
    return r->status == 200 && len == 7 && memcmp(b, "success", 7) == 0;
}

static notice *find(mock_notify *n, unsigned long long id)
{
    for (notice *x = n->head; x; x = x->next)
        if (x->id == id)
            return x;
    return NULL;
}

/*
 * Pick a due attempt (caller holds ctx->lock and n->lock): a pending
 * notification not being sent whose due time has come on its merchant's
 * clock (after_refund: and whose order has a refund). Returns it, marked
 * in flight, with `*now` its merchant's clock; or NULL.
 */
static notice *pick_due(mock_notify *n, long long *now)
{
    mock_ctx *ctx = n->ctx;
    for (notice *x = n->head; x; x = x->next) {
        if (x->status != PENDING || x->in_flight)
            continue;
        mock_merchant m;
        if (mock_store_merchant_get(ctx->store, x->mch_id, &m) != MOCK_STORE_OK)
            continue;
        long long t = mock_clock_merchant_now(ctx->clock, m.clock_offset);
        if (x->due > t)
            continue;
        if (x->held) {
            mock_order o;
            if (mock_store_order_by_out_trade_no(ctx->store, x->mch_id, x->out_trade_no, &o)
                    != MOCK_STORE_OK || o.refund_count == 0)
                continue;
            x->held = 0;
        }
        x->in_flight = 1;
        *now = t;
        return x;
    }
    return NULL;
}

static int any_ready(mock_notify *n)
{
    for (notice *x = n->head; x; x = x->next)
        if (x->status == PENDING && !x->in_flight)
            return 1;
    return 0;
}

static void human_time(long long t, char out[15])
{
    if (upay_time_format((time_t)t, out) != UPAY_OK)
        snprintf(out, 15, "?");
}

/* Send attempt `a` and record what the merchant answered. */
static void send_attempt(mock_notify *n, attempt *a)
{
    mock_ctx *ctx = n->ctx;
    char *body = signed_body(ctx, a);
    mock_post_result *r = calloc(1, sizeof *r);
    int ok = 0;
    char why[200] = "";
    if (!body || !r) {
        snprintf(why, sizeof why, "not sent: out of memory or no key for the merchant");
    } else {
        mock_url url;
        if (mock_url_parse(a->url, &url, why, sizeof why) == 0
            && mock_http_post(&url, body, strlen(body), MOCK_NOTIFY_TIMEOUT_MS, r) == 0) {
            ok = answered_success(r);
            if (ok)
                snprintf(why, sizeof why, "answered success in %ld ms", r->elapsed_ms);
            else
                snprintf(why, sizeof why, "answered HTTP %d \"%.60s\" in %ld ms: not success",
                         r->status, r->body, r->elapsed_ms);
        } else if (!why[0]) {
            snprintf(why, sizeof why, "%s", r->error);
        }
    }

    char change[256], detail[240], next[15] = "";
    snprintf(detail, sizeof detail, "attempt %d to %.80s: %s%s%s", a->number, a->url, why,
             a->bad_sign ? " (sent with a wrong sign on purpose)" : "",
             a->stale ? " (a stale payment notification, sent after a refund on purpose)" : "");
    pthread_mutex_lock(&n->lock);
    notice *x = find(n, a->id);
    if (x) {
        x->in_flight = 0;
        x->attempts++;
        x->last_http_status = r ? r->status : 0;
        snprintf(x->last_answer, sizeof x->last_answer, "%.120s",
                 r && r->status ? r->body : why);
        if (ok && x->repeats > 0) {
            x->repeats--;                 /* the duplicate goes out at once */
        } else if (ok) {
            x->status = DELIVERED;
        } else if (x->attempts >= MOCK_NOTIFY_ATTEMPTS) {
            x->status = GAVE_UP;
        } else {
            x->due += schedule[x->attempts];
            human_time(x->due, next);
        }
        if (x->status == DELIVERED)
            snprintf(change, sizeof change, "notification %d delivered", a->number);
        else if (x->status == GAVE_UP)
            snprintf(change, sizeof change, "notification %d failed: the last of %d, given up",
                     a->number, MOCK_NOTIFY_ATTEMPTS);
        else if (ok)
            snprintf(change, sizeof change, "notification %d delivered; a duplicate follows",
                     a->number);
        else
            snprintf(change, sizeof change, "notification %d failed; next attempt at %s (merchant "
                     "clock)", a->number, next);
        pthread_cond_broadcast(&n->cond);
    } else {
        snprintf(change, sizeof change, "notification %d sent; its merchant was reset meanwhile",
                 a->number);
    }
    /* journaled before the queue lets go: a notification seen delivered is in the journal */
    journal(ctx, a, body, r ? r->status : 0, r ? r->body : "", r ? r->body_len : 0, change, detail);
    pthread_mutex_unlock(&n->lock);
    upay_free(body);
    free(r);
}

static void *sender(void *arg)
{
    mock_notify *n = arg;
    mock_ctx *ctx = n->ctx;
    pthread_mutex_lock(&n->lock);
    while (!n->stop) {
        notice *x = NULL;
        long long now = 0;
        if (any_ready(n)) {
            /* lock order: ctx->lock before the queue's */
            pthread_mutex_unlock(&n->lock);
            pthread_mutex_lock(&ctx->lock);
            pthread_mutex_lock(&n->lock);
            x = n->stop ? NULL : pick_due(n, &now);
            pthread_mutex_unlock(&ctx->lock);
        }
        if (!x) {
            if (n->stop)
                break;
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;   /* real time passing moves unfrozen clocks */
            pthread_cond_timedwait(&n->cond, &n->lock, &until);
            continue;
        }
        attempt a;
        memset(&a, 0, sizeof a);
        a.id = x->id;
        memcpy(a.mch_id, x->mch_id, sizeof a.mch_id);
        memcpy(a.out_trade_no, x->out_trade_no, sizeof a.out_trade_no);
        memcpy(a.agent_id, x->agent_id, sizeof a.agent_id);
        memcpy(a.url, x->url, sizeof a.url);
        a.api = x->api;
        a.fields = upay_params_dup(x->fields);
        a.number = x->attempts + 1;
        a.bad_sign = x->fault == MOCK_NOTIFY_FAULT_BAD_SIGN && x->attempts == 0;
        a.repeat = x->fault == MOCK_NOTIFY_FAULT_DUPLICATE && x->repeats == 0;
        a.stale = x->fault == MOCK_NOTIFY_FAULT_AFTER_REFUND;
        a.now = now;
        pthread_mutex_unlock(&n->lock);
        if (a.fields) {
            send_attempt(n, &a);
        } else {
            pthread_mutex_lock(&n->lock);
            if ((x = find(n, a.id)) != NULL)
                x->in_flight = 0;   /* out of memory: try again later */
            pthread_mutex_unlock(&n->lock);
        }
        upay_params_free(a.fields);
        pthread_mutex_lock(&n->lock);
    }
    pthread_mutex_unlock(&n->lock);
    return NULL;
}

mock_notify *mock_notify_new(mock_ctx *ctx, const char *allow, char *err, size_t errlen)
{
    mock_notify *n = calloc(1, sizeof *n);
    if (!n) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (mock_allow_parse(&n->allow, allow, err, errlen) != 0) {
        free(n);
        return NULL;
    }
    n->ctx = ctx;
    pthread_mutex_init(&n->lock, NULL);
    pthread_cond_init(&n->cond, NULL);
    n->next_id = 1;
    return n;
}

void mock_notify_free(mock_notify *n)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->lock);
    n->stop = 1;
    pthread_cond_broadcast(&n->cond);
    int started = n->started;
    pthread_mutex_unlock(&n->lock);
    for (int i = 0; i < started; i++)
        pthread_join(n->threads[i], NULL);
    while (n->head) {
        notice *x = n->head;
        n->head = x->next;
        notice_free(x);
    }
    pthread_cond_destroy(&n->cond);
    pthread_mutex_destroy(&n->lock);
    free(n);
}

int mock_notify_url_allowed(const mock_notify *n, const char *url, char *why, size_t whylen)
{
    return mock_allow_url(&n->allow, url, why, whylen);
}

/* The notification's trade_type: pay.<wallet>.<jspay|native|app>. */
static void wire_trade_type(const mock_order *o, char *out, size_t size)
{
    /* (**Decision**) the vendor shows weixin and alipay only; the digital yuan's is pay.ecny.* */
    const char *wallet = o->paytype == UPAY_PAYTYPE_ALIPAY ? "alipay"
                         : o->paytype == UPAY_PAYTYPE_ECNY ? "ecny" : "weixin";
    const char *kind = strcmp(o->trade_type, "JSPAY") == 0 ? "jspay"
                       : strcmp(o->trade_type, "APP") == 0 ? "app" : "native";
    snprintf(out, size, "pay.%s.%s", wallet, kind);
}

/* The documented fields of a payment notification, unsigned. NULL when memory runs out. */
static upay_params *payment_fields(const mock_order *o)
{
    upay_params *p = upay_params_new();
    char num[32], time_end[15], type[32];
    int ok = p != NULL;
    human_time(o->paid_at, time_end);
    wire_trade_type(o, type, sizeof type);
    const char *pairs[][2] = {
        { "state", "SUCCESS" },
        { "result_code", "SUCCESS" },
        { "pay_result", "0" },
        { "mch_id", o->mch_id },
        { "out_trade_no", o->out_trade_no },
        { "transaction_id", o->transaction_id },
        { "out_transaction_id", o->out_transaction_id },
        { "time_end", time_end },
        { "trade_type", type },
        { "fee_type", "CNY" },
        { "bank_type", o->paytype == UPAY_PAYTYPE_ALIPAY ? "ALIPAYACCOUNT"
                       : o->paytype == UPAY_PAYTYPE_ECNY ? "ECNY" : "CFT" },
    };
    for (size_t i = 0; ok && i < sizeof pairs / sizeof pairs[0]; i++)
        ok = upay_params_set(p, pairs[i][0], pairs[i][1]) == UPAY_OK;
    snprintf(num, sizeof num, "%lld", o->total_fee);
    ok = ok && upay_params_set(p, "total_fee", num) == UPAY_OK;
    snprintf(num, sizeof num, "%lld", o->coupon_fee);
    ok = ok && upay_params_set(p, "coupon_fee", num) == UPAY_OK;
    if (ok && o->attach[0])
        ok = upay_params_set(p, "attach", o->attach) == UPAY_OK;
    if (ok && o->sub_appid[0])
        ok = upay_params_set(p, "sub_appid", o->sub_appid) == UPAY_OK;
    if (ok && o->paytype == UPAY_PAYTYPE_ALIPAY) {
        /* (**Decision**) a made-up Alipay user id, 2088 + 12 digits of the wallet's trade number */
        size_t len = strlen(o->out_transaction_id);
        snprintf(num, sizeof num, "2088%s", len >= 12 ? o->out_transaction_id + len - 12 : "000000000000");
        ok = upay_params_set(p, "buyer_user_id", num) == UPAY_OK;
    }
    if (!ok) {
        upay_params_free(p);
        return NULL;
    }
    return p;
}

int mock_notify_payment(mock_notify *n, const mock_order *o, const char *agent_id,
                        mock_notify_fault fault)
{
    if (fault == MOCK_NOTIFY_FAULT_NEVER) {
        attempt a;
        memset(&a, 0, sizeof a);
        snprintf(a.mch_id, sizeof a.mch_id, "%s", o->mch_id);
        snprintf(a.out_trade_no, sizeof a.out_trade_no, "%s", o->out_trade_no);
        a.now = o->paid_at;
        journal(n->ctx, &a, "", 0, "", 0, "notification withheld (fault never)",
                "the payment notification is never sent, on purpose: the merchant must query the "
                "order");
        return 0;
    }
    notice *x = calloc(1, sizeof *x);
    if (!x || !(x->fields = payment_fields(o))) {
        free(x);
        return -1;
    }
    snprintf(x->mch_id, sizeof x->mch_id, "%s", o->mch_id);
    snprintf(x->out_trade_no, sizeof x->out_trade_no, "%s", o->out_trade_no);
    snprintf(x->agent_id, sizeof x->agent_id, "%s", agent_id);
    snprintf(x->url, sizeof x->url, "%s", o->notify_url);
    x->api = o->api == 2 ? 2 : 1;
    x->fault = fault;
    x->repeats = fault == MOCK_NOTIFY_FAULT_DUPLICATE ? 1 : 0;
    x->held = fault == MOCK_NOTIFY_FAULT_AFTER_REFUND;
    x->due = o->paid_at + schedule[0];
    x->status = PENDING;
    pthread_mutex_lock(&n->lock);
    x->id = n->next_id++;
    size_t finished = 0;
    notice **tail = &n->head;
    for (; *tail; tail = &(*tail)->next)
        finished += (*tail)->status != PENDING;
    *tail = x;
    /* the oldest finished ones go: a long-running mock does not grow without bound */
    for (notice **at = &n->head; *at && finished > MOCK_NOTIFY_KEEP;) {
        notice *old = *at;
        if (old->status != PENDING && !old->in_flight) {
            *at = old->next;
            notice_free(old);
            finished--;
        } else {
            at = &old->next;
        }
    }
    while (n->started < MOCK_NOTIFY_THREADS && !n->stop
           && pthread_create(&n->threads[n->started], NULL, sender, n) == 0)
        n->started++;
    pthread_cond_broadcast(&n->cond);
    pthread_mutex_unlock(&n->lock);
    return 0;
}

void mock_notify_kick(mock_notify *n)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->lock);
    pthread_cond_broadcast(&n->cond);
    pthread_mutex_unlock(&n->lock);
}

void mock_notify_forget(mock_notify *n, const char *mch_id)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->lock);
    notice **at = &n->head;
    while (*at) {
        notice *x = *at;
        if (!mch_id || strcmp(x->mch_id, mch_id) == 0) {
            *at = x->next;        /* an attempt in flight finds its notice gone */
            notice_free(x);
        } else {
            at = &x->next;
        }
    }
    pthread_mutex_unlock(&n->lock);
}

void mock_notify_each(mock_notify *n, const char *mch_id, const char *out_trade_no,
                      mock_notice_fn fn, void *user)
{
    static const char *const names[] = { "pending", "delivered", "gave_up" };
    pthread_mutex_lock(&n->lock);
    for (notice *x = n->head; x; x = x->next) {
        if ((mch_id && strcmp(x->mch_id, mch_id) != 0)
            || (out_trade_no && strcmp(x->out_trade_no, out_trade_no) != 0))
            continue;
        mock_notice_view v = {
            x->id, x->mch_id, x->out_trade_no, x->url, names[x->status],
            mock_notify_fault_name(x->fault), x->attempts,
            x->status == PENDING ? x->due : 0, x->held, x->last_http_status, x->last_answer,
        };
        fn(&v, user);
    }
    pthread_mutex_unlock(&n->lock);
}
