/*
 * server/steer/fault.h - the named edge cases the mock can force on one call:
 * business outcomes (a pay that stays paying, a refund NOTSURE then FAIL,
 * a 20006 after the change took effect...) and transport faults (a late
 * answer, a dropped connection, a truncated body, a bad signature...).
 *
 * One name table serves the X-Upay-Fault request header, the "fault" of a
 * rule (rules.h), the config file and the docs (docs/edge-cases.md). A
 * fault is written `NAME`, `NAME=ARG` (ARG: seconds, a code, milliseconds
 * or an HTTP status, by name), optionally followed by `;not_applied` for
 * the faults that may strike before the call took effect. Pure: no lock,
 * no I/O.
 */
#ifndef UPAY_MOCK_FAULT_H
#define UPAY_MOCK_FAULT_H

#include <stddef.h>

typedef enum mock_fault_kind {
    MOCK_FAULT_NONE = 0,
    /* business outcomes */
    MOCK_FAULT_PAY_PAID_AFTER,       /* pay: 10001 paying, paid ARG s later (merchant clock) */
    MOCK_FAULT_PAY_PAYING_FOREVER,   /* pay: 10001 paying, never paid (until cancelled) */
    MOCK_FAULT_PAY_REFUSED,          /* pay: refused with code ARG (1000x: order failed; 2xxxx: FAIL) */
    MOCK_FAULT_REFUND_SUCCESS,       /* refund: SUCCESS at once */
    MOCK_FAULT_REFUND_PROCESSING,    /* refund: PROCESSING, SUCCESS ARG s later */
    MOCK_FAULT_REFUND_CHANGE,        /* refund: PROCESSING, CHANGE ARG s later */
    MOCK_FAULT_REFUND_NOTSURE,       /* refund: NOTSURE, the retry succeeds */
    MOCK_FAULT_REFUND_NOTSURE_FAIL,  /* refund: NOTSURE, the retry ends FAIL */
    MOCK_FAULT_REFUND_FAIL,          /* refund: FAIL (the bank refuses) */
    MOCK_FAULT_CANCEL_REFUSED,       /* cancel: 20011, the order unchanged */
    MOCK_FAULT_SYSTEM_ERROR,         /* any call: 20006 NEED_QUERY (took effect unless not_applied) */
    /* transport faults (applied when the answer is written) */
    MOCK_FAULT_DELAY,                /* the answer leaves ARG ms late (real time) */
    MOCK_FAULT_DROP,                 /* the connection is closed without an answer */
    MOCK_FAULT_EMPTY,                /* HTTP 200 with an empty body */
    MOCK_FAULT_TRUNCATED,            /* Content-Length of the whole answer, half of it sent */
    MOCK_FAULT_NOT_JSON,             /* HTTP 200 with an HTML body */
    MOCK_FAULT_HTTP_5XX,             /* HTTP ARG (500-599) with an HTML body */
    MOCK_FAULT_BAD_SIGN,             /* the answer's sign altered */
    MOCK_FAULT_NO_SIGN,              /* the answer without sign */
    MOCK_FAULT_OTHER_AGENT_SIGN,     /* the answer signed with another agent's key */
    MOCK_FAULT_COUNT_                /* number of kinds (not a fault) */
} mock_fault_kind;

/* Calls a fault applies to (bit 1 << mock_call_kind, see request.h). */
#define MOCK_FAULT_CALL_PAY (1u << 0)
#define MOCK_FAULT_CALL_ORDERQUERY (1u << 1)
#define MOCK_FAULT_CALL_REFUND (1u << 2)
#define MOCK_FAULT_CALL_REFUNDQUERY (1u << 3)
#define MOCK_FAULT_CALL_CANCEL (1u << 4)
#define MOCK_FAULT_CALL_ANY 0x1Fu

typedef struct mock_fault {
    mock_fault_kind kind;
    long long arg;      /* seconds, code, milliseconds or HTTP status (the kind's default if unset) */
    int not_applied;    /* 1: the call is not processed (nothing changes) before the fault */
} mock_fault;

/* What the name table says of one kind. Static storage. */
typedef struct mock_fault_info {
    mock_fault_kind kind;
    const char *name;         /* "refund_notsure_fail" */
    const char *arg_name;     /* "seconds", "code", "ms", "status", or NULL (no argument) */
    long long arg_default;
    long long arg_min, arg_max;
    unsigned calls;           /* MOCK_FAULT_CALL_* it applies to */
    int transport;            /* 1: applied when the answer is written */
    int may_skip;             /* 1: `;not_applied` is allowed */
    const char *summary;      /* one English line */
} mock_fault_info;

/* The entry of `kind`, or NULL for NONE or an unknown value. */
const mock_fault_info *mock_fault_info_of(mock_fault_kind kind);

/* Every fault, in table order; `*count` receives the number. */
const mock_fault_info *mock_fault_table(size_t *count);

/*
 * Parse `NAME[=ARG][;not_applied]` (spaces around the parts allowed) into
 * `out`. Returns 0, or -1 with an English sentence in `err` (unknown name,
 * an argument where none is taken, out of range, not_applied where it
 * makes no sense). `out` is set to the defaults of the name on success.
 */
int mock_fault_parse(const char *text, mock_fault *out, char *err, size_t errlen);

/*
 * Write the canonical text of `f` ("refund_processing=30",
 * "drop;not_applied") into `out` (always NUL-terminated). Returns `out`.
 */
char *mock_fault_format(const mock_fault *f, char *out, size_t outlen);

/* Nonzero when `f` applies to call `call_kind` (a mock_call_kind value). */
int mock_fault_fits(const mock_fault *f, int call_kind);

/* Nonzero when `f` is a transport fault (applied when the answer is written). */
int mock_fault_is_transport(const mock_fault *f);

#endif /* UPAY_MOCK_FAULT_H */
