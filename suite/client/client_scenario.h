/*
 * suite/client/client_scenario.h - client scenarios (scenarios/client/
 * *.jsonc, format in docs/client-conformance.md): one business action of
 * the integrator's program (pay, refund or cancel) against a mock armed
 * with a persona, rules and transport faults. Their files end in .jsonc so
 * the gateway runner, which loads every *.json under scenarios/, leaves
 * them alone.
 */
#ifndef SUITE_CLIENT_SCENARIO_H
#define SUITE_CLIENT_SCENARIO_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "scenario.h"
#include "util.h"

typedef enum suite_client_action {
    SUITE_ACTION_PAY,
    SUITE_ACTION_REFUND,
    SUITE_ACTION_CANCEL,
    SUITE_ACTION_NOTIFY    /* handle one scan-to-pay notification (client_notify.h) */
} suite_client_action;

/* What the program may say it now believes: one bit each. */
enum {
    SUITE_OUT_PAID = 1u << 0,
    SUITE_OUT_NOT_PAID = 1u << 1,
    SUITE_OUT_UNKNOWN = 1u << 2,
    SUITE_OUT_REFUNDED = 1u << 3,
    SUITE_OUT_REFUND_PENDING = 1u << 4,
    SUITE_OUT_REFUND_FAILED = 1u << 5,
    SUITE_OUT_REFUND_UNKNOWN = 1u << 6,
    SUITE_OUT_CANCELLED = 1u << 7,
    SUITE_OUT_DUPLICATE = 1u << 8,   /* notify: a repeat of one already processed */
    SUITE_OUT_REJECTED = 1u << 9     /* notify: not believed (unverified, not my order) */
};

/* The bit of an outcome name ("PAID"...), or 0 when it is none. */
unsigned suite_outcome_bit(const char *name);

/* "PAID|NOT_PAID" for a set of bits into `b`. */
void suite_outcome_bits_format(suite_buf *b, unsigned bits);

typedef struct suite_client_scenario {
    suite_scenario base;        /* name, file, description, tags, rules (for the reporters);
                                   must stay first */
    suite_client_action action;
    char *wallet;               /* "wechat" unless given; owned */
    char *persona;              /* payment code ending (9001...), NULL = pays at once; owned */
    long long total_fee;        /* fen; default 100 */
    long long refund_fee;       /* refund: fen; default total_fee */
    long long advance_seconds;  /* refund, cancel: the merchant's clock moves this much after
                                   the order is paid and before the program runs (cancel:
                                   default 20, refund: 0) */
    cJSON *arm;                 /* array of rules for POST /mock/rules (mch_id added); owned */
    char *dialect;              /* mock dialect ("live"); NULL = the mock's default; owned */
    double limit_seconds;       /* the program's time limit; default 150 */
    unsigned accept;            /* outcomes accepted beyond what the truth allows */
    char *fault;                /* notify: the notification fault (duplicate, bad_sign), or
                                   NULL; owned */
} suite_client_scenario;

typedef struct suite_client_set {
    suite_client_scenario **items;
    size_t count;
} suite_client_set;

/*
 * Load `path`: a .jsonc file, or a directory searched (recursively, in
 * name order) for *.jsonc. Problems are appended to `errors`, one line
 * each; loading goes on past them. Returns the number of problems.
 */
int suite_client_load(suite_client_set *set, const char *path, suite_buf *errors);

/* Load from `text` as if read from `file`. Returns the number of problems. */
int suite_client_load_text(suite_client_set *set, const char *text, const char *file,
                           suite_buf *errors);

void suite_client_set_free(suite_client_set *set);

/* "pay", "refund", "cancel", "notify". Static. */
const char *suite_action_name(suite_client_action a);

#endif /* SUITE_CLIENT_SCENARIO_H */
