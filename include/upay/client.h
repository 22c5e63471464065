/*
 * upay/client.h - the UnifiedPay gateway client: a configured handle, one
 * call per gateway method (pay, orderquery, refund, refundquery, cancel), a
 * generic call for any parameter set, and the result of a call.
 *
 * Every answer is verified with the key before anything in it is trusted.
 * An answer that fails verification (no `sign`, or a wrong one) is believed
 * only when it says no money moved: the live gateway signs only business
 * successes, so its refusals come unsigned. The return code of a call says
 * which of these happened:
 *
 *   UPAY_OK                 a verified answer with state=SUCCESS arrived; the
 *                           business outcome is in (*out)->outcome
 *   UPAY_E_GATEWAY_REFUSED  an answer with state=FAIL, signed or not: the
 *                           gateway refused before processing (nothing happened)
 *   UPAY_E_VERSION          an answer with state=VER, signed or not: the
 *                           gateway finds the client's `version` too low
 *                           (nothing happened)
 *   UPAY_E_UNVERIFIED_FAIL  an answer without a valid sign says state=SUCCESS,
 *                           trade_state=FAIL (a business failure): nothing moved
 *                           if it is true. A pay's may hide a payment: confirm
 *                           with one orderquery (a paid order answers signed);
 *                           upay_barcode_pay() does
 *   UPAY_E_TRANSPORT        the request was not sent (DNS, connect, bad URL):
 *                           nothing happened
 *   UPAY_E_TLS              the TLS handshake failed before the request was
 *                           sent: nothing happened
 *   UPAY_E_NO_ANSWER        sent, but no complete answer (timeout after sending,
 *                           connection reset, empty reply): money may have moved
 *   UPAY_E_HTTP_STATUS      the server answered with a non-2xx HTTP status:
 *                           treated as "money may have moved"
 *   UPAY_E_BAD_RESPONSE     the answer is not a JSON object of strings (or its
 *                           state or refund_list is malformed): money may have moved
 *   UPAY_E_RESPONSE_SIGN    the answer's sign is missing or wrong and it does not
 *                           say that nothing moved (what the protocol calls
 *                           20003): money may have moved
 *   UPAY_E_INVALID_ARG      bad arguments (NULL, missing required field,
 *                           client not configured): nothing was sent
 *   UPAY_E_NOMEM            out of memory before sending: nothing was sent
 *
 * upay_code_is_uncertain() tells "money may have moved" from "nothing
 * happened" for any of these codes.
 *
 * Threads: a handle may be used by one thread at a time; use one handle per
 * thread. The library keeps no global state of its own; libcurl's global
 * initialisation runs once, through pthread_once, the first time a handle is
 * created (or when upay_global_init() is called). upay_global_cleanup() is
 * optional.
 *
 * The flows (barcode payment with query and cancel, refund with retry) are
 * declared in upay/flow.h, which this header includes at its end.
 */
#ifndef UPAY_CLIENT_H
#define UPAY_CLIENT_H

#include "error.h"
#include "params.h"
#include "sign.h"
#include "protocol.h"
#include "refund_list.h"

UPAY_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Library-wide                                                         */
/* ------------------------------------------------------------------ */

/*
 * Run libcurl's global initialisation now (it also runs by itself, once,
 * inside the first upay_client_new()). Safe to call from several threads and
 * more than once: the work is done once through pthread_once.
 * Returns UPAY_OK or UPAY_E_TRANSPORT when libcurl cannot initialise.
 */
UPAY_API upay_code upay_global_init(void);

/*
 * Release libcurl's global state. Optional (for leak checkers): call it at
 * most once, at the end of the program, after every client was freed and no
 * other thread uses libcurl. No client may be created afterwards.
 */
UPAY_API void upay_global_cleanup(void);

/*
 * 1 when `code` means the request may have reached the gateway and been
 * processed, but no trustworthy answer says how (UPAY_E_NO_ANSWER,
 * UPAY_E_HTTP_STATUS, UPAY_E_BAD_RESPONSE, UPAY_E_RESPONSE_SIGN,
 * UPAY_E_FLOW_DEADLINE, UPAY_E_UNVERIFIED_FAIL): query (pay) or retry with
 * the same number (refund) before treating it as failed. 0 for every other code: UPAY_OK (the
 * outcome is in the result) and the codes that mean nothing happened.
 */
UPAY_API int upay_code_is_uncertain(upay_code code);

/* ------------------------------------------------------------------ */
/* The client handle                                                    */
/* ------------------------------------------------------------------ */

typedef struct upay_client upay_client;

/*
 * A new, unconfigured client, or NULL when memory runs out or libcurl
 * cannot initialise. Before calling the gateway set at least the URL, the
 * agent id and the key. Free with upay_client_free().
 */
UPAY_API upay_client *upay_client_new(void);

/* Free the client and everything it holds. upay_client_free(NULL) is a no-op. */
UPAY_API void upay_client_free(upay_client *client);

/*
 * The gateway URL (copied). A URL with a path is used as given
 * ("https://gw.example.com/UnifiedPay/Gateway"); a URL without a path or
 * with the path "/" gets the endpoint of the key appended
 * ("/UnifiedPay/Gateway", or "/v2/UnifiedPay/Gateway" with a merchant key),
 * so a mock's base URL works as is. Only http:// and https:// are accepted.
 * Returns UPAY_OK, UPAY_E_INVALID_ARG (NULL, empty or not http(s)) or
 * UPAY_E_NOMEM; on error the previous URL is kept.
 */
UPAY_API upay_code upay_client_set_url(upay_client *client, const char *url);

/*
 * The agent id sent as `agent_id` (copied, non-empty). Required with the
 * agent key (v1 endpoint); optional with a merchant key (v2), sent when set.
 * UPAY_OK, UPAY_E_INVALID_ARG, UPAY_E_NOMEM.
 */
UPAY_API upay_code upay_client_set_agent(upay_client *client, const char *agent_id);

/* The gateway's endpoints: v1 signed with the agent key, v2 with the merchant's key. */
#define UPAY_V1_PATH "/UnifiedPay/Gateway"
#define UPAY_V2_PATH "/v2/UnifiedPay/Gateway"

/*
 * The agent key that signs requests and verifies responses (copied,
 * non-empty), for the v1 endpoint: a URL set without a path uses
 * UPAY_V1_PATH. The key is never sent and never given to the log callback.
 * Replaces a merchant key. Returns UPAY_OK, UPAY_E_INVALID_ARG or
 * UPAY_E_NOMEM (the previous key is kept).
 */
UPAY_API upay_code upay_client_set_key(upay_client *client, const char *key);

/*
 * Sign with the merchant's own key instead (copied, non-empty), for the v2
 * endpoint: a URL set without a path (before or after this call) uses
 * UPAY_V2_PATH, agent_id becomes optional (sent when set), and answers are
 * verified with this key. A URL with a path is used as given. Replaces the
 * agent key; upay_client_set_key() switches back to v1.
 * Returns UPAY_OK, UPAY_E_INVALID_ARG or UPAY_E_NOMEM (nothing changed).
 */
UPAY_API upay_code upay_client_set_merchant_key(upay_client *client, const char *key);

/*
 * The signature type (default UPAY_SIGN_MD5). With UPAY_SIGN_HMAC_SHA256
 * every request carries sign_type=HMAC-SHA256 and responses are verified
 * with HMAC-SHA256; with MD5 no sign_type is sent.
 * Returns UPAY_OK or UPAY_E_INVALID_ARG (unknown type).
 */
UPAY_API upay_code upay_client_set_sign_type(upay_client *client, upay_sign_type type);

/*
 * The `pid` (caller product name) and `version` (caller version) sent with
 * every request (copied). The live gateway requires both (vendor docs
 * v2.5.0 and later), so they are always sent: by default
 * UPAY_DEFAULT_PID and UPAY_DEFAULT_VERSION; NULL or "" restores the
 * default. A gateway that finds `version` too low answers state=VER
 * (UPAY_E_VERSION).
 * Returns UPAY_OK, UPAY_E_INVALID_ARG (NULL client) or UPAY_E_NOMEM (the
 * previous value is kept).
 */
#define UPAY_DEFAULT_PID "libupay"
#define UPAY_DEFAULT_VERSION "1.0"
UPAY_API upay_code upay_client_set_pid(upay_client *client, const char *pid);
UPAY_API upay_code upay_client_set_version(upay_client *client, const char *version);

/* Default timeouts, in milliseconds. */
#define UPAY_DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define UPAY_DEFAULT_TOTAL_TIMEOUT_MS 30000L

/*
 * Connect timeout and total timeout of one exchange, in milliseconds; 0
 * means the default. A connect timeout ends as UPAY_E_TRANSPORT (nothing
 * sent); a total timeout that strikes after the request went out ends as
 * UPAY_E_NO_ANSWER.
 * Returns UPAY_OK or UPAY_E_INVALID_ARG (negative value, NULL client).
 */
UPAY_API upay_code upay_client_set_timeouts(upay_client *client, long connect_ms,
                                            long total_ms);

/*
 * TLS settings for https:// URLs (copied; NULL or "" means none):
 *   ca_file   PEM bundle of trusted CAs (default: the system's store)
 *   cert_file PEM client certificate, key_file its private key (both or none)
 * Returns UPAY_OK, UPAY_E_INVALID_ARG (only one of cert_file/key_file) or
 * UPAY_E_NOMEM. Files are read at the first call, not here: a bad file ends
 * that call with UPAY_E_TLS.
 */
UPAY_API upay_code upay_client_set_tls(upay_client *client, const char *ca_file,
                                       const char *cert_file, const char *key_file);

/*
 * Explicit opt-out of TLS verification (peer certificate and host name),
 * for self-signed test servers only: `insecure` nonzero disables it, 0
 * (the default) restores it. Returns UPAY_OK or UPAY_E_INVALID_ARG.
 */
UPAY_API upay_code upay_client_set_insecure(upay_client *client, int insecure);

/*
 * One exchange with the gateway, as given to the log callback. All strings
 * are NUL-terminated and borrowed for the duration of the callback only.
 * The key never appears; every `sign` value is replaced by "***" and the
 * key in the string to sign by "***".
 */
typedef struct upay_log_entry {
    const char *method;            /* "pay", "orderquery", ... ("" when unset) */
    const char *url;               /* where it was POSTed */
    const char *request_body;      /* form body sent, sign redacted */
    const char *request_sign_string; /* canonical string, "&key=***" */
    long http_status;              /* 0 when no HTTP answer */
    const char *response_body;     /* as received, sign redacted; "" when none */
    upay_code code;                /* what the call returns */
    double elapsed_seconds;        /* wall time of the exchange */
} upay_log_entry;

typedef void (*upay_log_fn)(const upay_log_entry *entry, void *userdata);

/*
 * Call `fn(entry, userdata)` once after every exchange, whatever its
 * outcome (also when nothing could be sent). NULL `fn` turns logging off.
 * The callback runs on the calling thread and must not use this client.
 * Returns UPAY_OK or UPAY_E_INVALID_ARG (NULL client).
 */
UPAY_API upay_code upay_client_set_log(upay_client *client, upay_log_fn fn, void *userdata);

/* ------------------------------------------------------------------ */
/* Requests                                                             */
/* ------------------------------------------------------------------ */

/*
 * In every request struct a string field that is NULL or "" is not sent;
 * a required field that is missing makes the call fail with
 * UPAY_E_INVALID_ARG before anything is sent (use upay_call() to send
 * deliberately incomplete requests). `extra` (optional) adds parameters
 * after the typed ones, replacing a typed one of the same name: for fields
 * the gateway adds later. The client adds method, agent_id (when set), pid,
 * version, sign_type and sign. Structs are read during the call only.
 */

/* method=pay. Required: mch_id, out_trade_no, body, auth_code, total_fee > 0. */
typedef struct upay_pay_request {
    const char *mch_id;
    const char *out_trade_no;    /* 5-32 of [A-Za-z0-9_]; fresh for every attempt */
    const char *device_info;     /* mandatory for the QQ wallet */
    const char *body;            /* goods description */
    const char *attach;
    long long total_fee;         /* fen, 1..UPAY_AMOUNT_MAX */
    const char *mch_create_ip;
    const char *auth_code;       /* the customer's payment code */
    const char *op_user_id;
    const char *op_shop_id;
    const char *op_device_id;
    const char *goods_tag;
    const upay_params *extra;
} upay_pay_request;

/* method=orderquery. Required: paytype, mch_id, out_trade_no or transaction_id. */
typedef struct upay_orderquery_request {
    upay_paytype paytype;
    const char *mch_id;
    const char *out_trade_no;
    const char *transaction_id;
    const upay_params *extra;
} upay_orderquery_request;

/*
 * method=refund. Required: paytype, mch_id, out_trade_no or
 * transaction_id, out_refund_no, total_fee > 0, refund_fee > 0.
 * op_user_id defaults to mch_id; scene 0 is not sent.
 */
typedef struct upay_refund_request {
    upay_paytype paytype;
    const char *mch_id;
    const char *out_trade_no;
    const char *transaction_id;
    const char *out_refund_no;   /* 1-32 chars; reuse it when retrying */
    long long total_fee;         /* the order's total, fen */
    long long refund_fee;        /* this refund, fen */
    const char *op_user_id;
    int scene;                   /* 1 = barcode; 0 = not sent */
    const upay_params *extra;
} upay_refund_request;

/*
 * method=refundquery. Required: paytype, mch_id, and one of refund_id,
 * out_refund_no, transaction_id, out_trade_no (the gateway's precedence is
 * in that order).
 */
typedef struct upay_refundquery_request {
    upay_paytype paytype;
    const char *mch_id;
    const char *out_trade_no;
    const char *transaction_id;
    const char *out_refund_no;
    const char *refund_id;
    const upay_params *extra;
} upay_refundquery_request;

/*
 * method=cancel. Required: paytype, mch_id, out_trade_no. op_user_id
 * defaults to mch_id; scene 0 is not sent.
 */
typedef struct upay_cancel_request {
    upay_paytype paytype;
    const char *mch_id;
    const char *out_trade_no;
    const char *op_user_id;
    int scene;
    const upay_params *extra;
} upay_cancel_request;

/* ------------------------------------------------------------------ */
/* Results                                                              */
/* ------------------------------------------------------------------ */

/* The business outcome of a verified state=SUCCESS answer (its trade_state). */
typedef enum upay_outcome {
    UPAY_OUTCOME_NONE = 0,      /* no verified state=SUCCESS answer: see the return code */
    UPAY_OUTCOME_SUCCESS,       /* trade_state SUCCESS: paid / refunded / cancelled / found */
    UPAY_OUTCOME_NEED_QUERY,    /* NEED_QUERY: not final (paying, system fault, refund NOTSURE) */
    UPAY_OUTCOME_FAIL,          /* FAIL: business failure, nothing charged or refunded; see code */
    UPAY_OUTCOME_PROCESSING,    /* PROCESSING: refund accepted, settling later */
    UPAY_OUTCOME_REFUND,        /* REFUND: the order was turned into a refund */
    UPAY_OUTCOME_OTHER          /* state SUCCESS but trade_state absent or unknown */
} upay_outcome;

/* "NONE", "SUCCESS", "NEED_QUERY", "FAIL", "PROCESSING", "REFUND", "OTHER"; "?" if unknown. Static. */
UPAY_API const char *upay_outcome_name(upay_outcome outcome);

/*
 * The result of one call, allocated by the library and freed with
 * upay_result_free(). Every pointer in it is owned by the result and valid
 * until upay_result_free(); strings are never NULL ("" when absent).
 * Amounts are -1 when absent or not a valid amount.
 *
 * The typed fields (state to refund_count, refunds) are filled from a
 * verified answer, and from an unverified one the client believes
 * (UPAY_E_GATEWAY_REFUSED, UPAY_E_VERSION, UPAY_E_UNVERIFIED_FAIL with
 * `verified` 0). When an answer is not believed (UPAY_E_RESPONSE_SIGN), they
 * stay empty; `params` still holds the unverified parsed answer and `body`
 * the raw text, for diagnosis only.
 */
typedef struct upay_result {
    upay_outcome outcome;        /* business outcome; NONE unless the call returned UPAY_OK */
    int verified;                /* 1 when the answer's signature checked out */
    long http_status;            /* 0 when no HTTP answer */

    /* status */
    const char *state;           /* SUCCESS, FAIL, VER */
    const char *code;            /* gateway code as text, e.g. "10001" */
    int gw_code;                 /* the same as a number (see upay_gw_code); 0 when absent */
    const char *msg;
    const char *trade_state;

    /* documented answer fields (pay, orderquery, refund, refundquery, cancel) */
    const char *mch_id;
    const char *appid;
    const char *is_subscribe;
    const char *openid;
    const char *sub_appid;
    const char *sub_is_subscribe;
    const char *sub_openid;
    const char *transaction_id;
    const char *out_transaction_id;
    const char *out_trade_no;
    const char *fee_type;
    const char *attach;
    const char *bank_type;
    const char *bank_billno;
    const char *time_end;        /* yyyyMMddHHmmss GMT+8 */
    const char *nonce_str;
    const char *out_refund_no;
    const char *refund_id;
    const char *refund_channel;
    const char *refund_list;     /* raw refund_list string (decoded in `refunds`) */
    long long total_fee;
    long long coupon_fee;
    long long refund_fee;
    long long coupon_refund_fee;
    long long refund_fee_summary;
    long long refund_count;

    /* refundquery: refund_list decoded (NULL and 0 when absent or empty) */
    const upay_refund_entry *refunds;
    size_t refund_entry_count;

    /* diagnosis */
    const upay_params *params;   /* whole parsed answer, unknown fields included; NULL when not JSON */
    const char *body;            /* raw answer body ("" when none) */
    size_t body_len;
    const char *response_sign_string; /* canonical string of the answer, "&key=***"; "" when none */
    const char *url;             /* where the request was POSTed */
    const char *method;          /* the method sent */
    const upay_params *request;  /* the parameters sent, sign included */
    const char *request_body;    /* the form body sent, sign included */
    const char *request_sign_string; /* canonical string of the request, "&key=***" */
} upay_result;

/* Free a result. upay_result_free(NULL) is a no-op. */
UPAY_API void upay_result_free(upay_result *result);

/* ------------------------------------------------------------------ */
/* Calls                                                                */
/* ------------------------------------------------------------------ */

/*
 * One call each. On return `*out` (out must not be NULL) holds a new
 * result (free with upay_result_free()) for every return code except
 * UPAY_E_INVALID_ARG and UPAY_E_NOMEM, where it is NULL; so a refused,
 * unverifiable or unanswered call still shows what was sent and received.
 * `err` (may be NULL) gets a sentence on failure. Return codes: see the
 * top of this header.
 */
UPAY_API upay_code upay_pay(upay_client *client, const upay_pay_request *req,
                            upay_result **out, upay_error *err);
UPAY_API upay_code upay_orderquery(upay_client *client, const upay_orderquery_request *req,
                                   upay_result **out, upay_error *err);
UPAY_API upay_code upay_refund(upay_client *client, const upay_refund_request *req,
                               upay_result **out, upay_error *err);
/* refundquery also decodes refund_list into result->refunds; a malformed list is UPAY_E_BAD_RESPONSE. */
UPAY_API upay_code upay_refundquery(upay_client *client, const upay_refundquery_request *req,
                                    upay_result **out, upay_error *err);
UPAY_API upay_code upay_cancel(upay_client *client, const upay_cancel_request *req,
                               upay_result **out, upay_error *err);

/* Flags of upay_call(). */
#define UPAY_CALL_NO_DEFAULTS 1u  /* do not add agent_id, pid, version, sign_type */
#define UPAY_CALL_NO_SIGN 2u      /* send `params` unsigned, any `sign` in it as is */

/*
 * Send any parameter set: for fields the gateway adds later and for
 * negative tests. `params` (read only, not kept) is sent in its order;
 * then `method` (unless NULL) and, unless UPAY_CALL_NO_DEFAULTS, agent_id,
 * pid, version and sign_type are added where `params` lacks them; then,
 * unless UPAY_CALL_NO_SIGN, the set is signed (replacing any `sign`).
 * Nothing is validated. The answer is verified and classified as for the
 * typed calls (refund_list is decoded when present); `*out` as for them.
 */
UPAY_API upay_code upay_call(upay_client *client, const char *method, const upay_params *params,
                             unsigned flags, upay_result **out, upay_error *err);

/*
 * Write a fresh out_trade_no into `out` (NUL-terminated, 28 characters of
 * [A-Za-z0-9_]: "UP" + GMT+8 yyyyMMddHHmmss + 12 random digits).
 * Returns UPAY_OK or UPAY_E_INVALID_ARG (NULL `out`).
 */
UPAY_API upay_code upay_new_out_trade_no(char out[33]);

UPAY_END_DECLS

#include "flow.h"

#endif /* UPAY_CLIENT_H */
