/*
 * client_internal.h - what the client's files share and nobody else sees:
 * the definition of upay_client, the transport (one HTTP exchange), the
 * result builder, and log redaction. Not part of the public API.
 */
#ifndef UPAY_CLIENT_INTERNAL_H
#define UPAY_CLIENT_INTERNAL_H

#include <stddef.h>
#include "upay/client.h"
#include "upay/form.h"
#include "upay/response.h"

struct upay__exchange;

/*
 * Test hook: when set, calls hand their form body to this function instead
 * of libcurl, which fills the exchange as the transport would (body must be
 * malloc'ed). Lets unit tests script answers with no network.
 */
typedef void (*upay__post_fn)(void *userdata, const char *body, struct upay__exchange *ex);

struct upay_client {
    char *url;                   /* where calls are POSTed */
    char *url_root;              /* scheme://authority of a URL given without a path, else NULL */
    char *agent_id;
    char *key;
    int merchant_key;            /* 1: `key` is the merchant's, for the v2 endpoint */
    char *pid;
    char *version;
    upay_sign_type sign_type;
    long connect_ms;
    long total_ms;
    char *ca_file;
    char *cert_file;
    char *key_file;
    int insecure;
    upay_log_fn log_fn;
    void *log_userdata;
    void *curl;                  /* CURL *, kept between calls for connection reuse */
    upay__post_fn test_post;     /* NULL except in unit tests */
    void *test_post_userdata;
};

/* ---- transport.c ---- */

/* What one HTTP exchange produced. Free with upay__exchange_clear(). */
typedef struct upay__exchange {
    upay_code code;              /* UPAY_OK: a complete HTTP answer arrived (any status) */
    long http_status;
    char *body;                  /* NUL-terminated; NULL when nothing was received */
    size_t body_len;
    int body_too_large;          /* the answer exceeded the response size limit */
    char detail[256];            /* English sentence when code is not UPAY_OK */
} upay__exchange;

/*
 * POST `body` (form encoded) to the client's URL and collect the answer.
 * Classifies libcurl failures into UPAY_E_TRANSPORT, UPAY_E_TLS (nothing
 * sent) and UPAY_E_NO_ANSWER (sent, no complete answer); UPAY_E_NOMEM when
 * the handle cannot be made. Never returns UPAY_E_HTTP_STATUS: the caller
 * looks at http_status.
 */
void upay__transport_post(upay_client *client, const char *body, upay__exchange *ex);

void upay__exchange_clear(upay__exchange *ex);

/* Free the client's libcurl handle (upay_client_free). */
void upay__transport_free(upay_client *client);

/* Run curl_global_init once; UPAY_OK or UPAY_E_TRANSPORT. */
upay_code upay__global_init_once(void);

/* ---- client_result.c ---- */

/* A new result with every string "" and every amount -1; NULL on NOMEM. */
upay_result *upay__result_new(void);

/*
 * Give the result its own copy of `s` (NULL counts as ""), returned for
 * storing in one of its const char * fields; NULL when memory runs out.
 */
const char *upay__result_keep(upay_result *r, const char *s);

/*
 * Hand a malloc'ed string to the result (freed with it) and return it;
 * NULL (and `s` freed) when memory runs out or `s` is NULL.
 */
const char *upay__result_own_string(upay_result *r, char *s);

/* Hand the parsed answer / the request sent / decoded refunds to the result. */
void upay__result_own_response(upay_result *r, upay_params *p);
void upay__result_own_request(upay_result *r, upay_params *p);
void upay__result_own_refunds(upay_result *r, upay_refund_entry *items, size_t count);

/*
 * Fill the typed fields of `r` from the verified answer `p` (which `r`
 * already owns through `params`). UPAY_OK or UPAY_E_NOMEM.
 */
upay_code upay__result_fill(upay_result *r, const upay_params *p);

/* The outcome named by a trade_state value. */
upay_outcome upay__outcome_of(const char *trade_state);

/* ---- client_log.c ---- */

/*
 * The canonical string of `p` with the key replaced by "***" (owned by the
 * caller, free()); NULL when memory runs out.
 */
char *upay__sign_string_redacted(const upay_params *p);

/*
 * A copy of a form body or JSON text with every sign value replaced by
 * "***" (free()); NULL when memory runs out or `text` is NULL.
 */
char *upay__redact_form(const char *text);
char *upay__redact_json(const char *text);

/* ---- calls.c ---- */

/*
 * Send `req` (already complete: method, agent_id, ...; signed unless
 * `sign` is 0) and build the result. The heart of every call.
 */
upay_code upay__send(upay_client *client, upay_params *req, int sign,
                     upay_result **out, upay_error *err);

#endif /* UPAY_CLIENT_INTERNAL_H */
