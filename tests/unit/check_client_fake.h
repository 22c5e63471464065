/*
 * check_client_fake.h - a scripted gateway for the client's unit tests: it
 * plugs into the client's test hook (no network), records every request
 * body, and answers from a script of signed, unsigned, wrongly signed,
 * tampered or raw answers, or transport failures. Header-only so each
 * check_client_*.c program can use it.
 */
#ifndef CHECK_CLIENT_FAKE_H
#define CHECK_CLIENT_FAKE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "upay.h"
#include "../../lib/client_internal.h"

#define FAKE_KEY "UPAYMOCK000000000000000000000001"
#define FAKE_OTHER_KEY "UPAYMOCK000000000000000000000002"
#define FAKE_AGENT "13000000000000001"
#define FAKE_MAX 32

typedef enum fake_mode {
    FAKE_SIGNED = 0,   /* signed with the client's key and type */
    FAKE_UNSIGNED,     /* no sign field */
    FAKE_WRONG_KEY,    /* signed with another key */
    FAKE_TAMPERED,     /* signed, then msg changed */
    FAKE_LOWER_SIGN,   /* signed, sign in lower-case hex */
    FAKE_OTHER_TYPE    /* signed with the other signature type */
} fake_mode;

typedef struct fake_answer {
    upay_code transport;  /* non-zero: the exchange fails with this code */
    long status;          /* HTTP status; 0 means 200 */
    const char *fields;   /* answer fields, form-encoded, signed per `mode` */
    const char *raw;      /* answered as is instead of `fields` */
    fake_mode mode;
} fake_answer;

typedef struct fake {
    fake_answer answers[FAKE_MAX];
    size_t count;        /* answers in the script; the last one repeats */
    size_t next;
    upay_sign_type type;
    char *requests[FAKE_MAX]; /* bodies received (the last slot keeps the latest) */
    size_t nreq;
    unsigned slept;      /* seconds asked of fake_sleep */
} fake;

static inline void fake_post(void *userdata, const char *body, struct upay__exchange *ex)
{
    fake *f = userdata;
    size_t slot = f->nreq < FAKE_MAX ? f->nreq : FAKE_MAX - 1;
    free(f->requests[slot]);
    f->requests[slot] = strdup(body);
    f->nreq++;
    ck_assert_uint_gt(f->count, 0);
    const fake_answer *a = &f->answers[f->next < f->count ? f->next : f->count - 1];
    if (f->next < f->count)
        f->next++;
    if (a->transport != UPAY_OK) {
        ex->code = a->transport;
        snprintf(ex->detail, sizeof ex->detail, "scripted failure");
        return;
    }
    ex->code = UPAY_OK;
    ex->http_status = a->status ? a->status : 200;
    if (a->raw) {
        ex->body = strdup(a->raw);
        ex->body_len = strlen(a->raw);
        return;
    }
    upay_params *p = NULL;
    ck_assert_int_eq(upay_form_parse(a->fields, strlen(a->fields), 0, &p, NULL), UPAY_OK);
    upay_sign_type other = f->type == UPAY_SIGN_MD5 ? UPAY_SIGN_HMAC_SHA256 : UPAY_SIGN_MD5;
    switch (a->mode) {
    case FAKE_SIGNED:
    case FAKE_TAMPERED:
    case FAKE_LOWER_SIGN:
        ck_assert_int_eq(upay_sign_params(p, FAKE_KEY, f->type), UPAY_OK);
        break;
    case FAKE_WRONG_KEY:
        ck_assert_int_eq(upay_sign_params(p, FAKE_OTHER_KEY, f->type), UPAY_OK);
        break;
    case FAKE_OTHER_TYPE:
        ck_assert_int_eq(upay_sign_params(p, FAKE_KEY, other), UPAY_OK);
        break;
    case FAKE_UNSIGNED:
        break;
    }
    if (a->mode == FAKE_TAMPERED)
        ck_assert_int_eq(upay_params_set(p, "msg", "tampered"), UPAY_OK);
    if (a->mode == FAKE_LOWER_SIGN) {
        char sign[UPAY_SIGN_BUF_SIZE];
        snprintf(sign, sizeof sign, "%s", upay_params_get(p, "sign"));
        for (char *c = sign; *c; c++)
            if (*c >= 'A' && *c <= 'F')
                *c = (char)(*c - 'A' + 'a');
        ck_assert_int_eq(upay_params_set(p, "sign", sign), UPAY_OK);
    }
    char *json = NULL;
    ck_assert_int_eq(upay_response_encode(p, &json), UPAY_OK);
    ex->body = strdup(json);
    ex->body_len = strlen(json);
    upay_free(json);
    upay_params_free(p);
}

static inline void fake_sleep(unsigned seconds, void *userdata)
{
    fake *f = userdata;
    f->slept += seconds;
}

/* A client wired to `f`, configured with the fake agent and key. */
static inline upay_client *fake_client(fake *f, upay_sign_type type)
{
    upay_client *c = upay_client_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(upay_client_set_url(c, "http://gateway.invalid"), UPAY_OK);
    ck_assert_int_eq(upay_client_set_agent(c, FAKE_AGENT), UPAY_OK);
    ck_assert_int_eq(upay_client_set_key(c, FAKE_KEY), UPAY_OK);
    ck_assert_int_eq(upay_client_set_sign_type(c, type), UPAY_OK);
    f->type = type;
    c->test_post = fake_post;
    c->test_post_userdata = f;
    return c;
}

/* Append an answer to the script. */
static inline void fake_add(fake *f, fake_answer a)
{
    ck_assert_uint_lt(f->count, FAKE_MAX);
    f->answers[f->count++] = a;
}

static inline void fake_clear(fake *f)
{
    for (size_t i = 0; i < FAKE_MAX; i++)
        free(f->requests[i]);
    memset(f, 0, sizeof *f);
}

/* The i-th request received, parsed; caller frees. */
static inline upay_params *fake_request(const fake *f, size_t i)
{
    ck_assert_uint_lt(i, f->nreq);
    upay_params *p = NULL;
    const char *body = f->requests[i < FAKE_MAX ? i : FAKE_MAX - 1];
    ck_assert_int_eq(upay_form_parse(body, strlen(body), 0, &p, NULL), UPAY_OK);
    return p;
}

#endif /* CHECK_CLIENT_FAKE_H */
