/*
 * server/steer/fault.c - the fault name table and its text form (see fault.h).
 */
#include "steer/fault.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY (24LL * 3600)

static const mock_fault_info table[] = {
    {MOCK_FAULT_PAY_PAID_AFTER, "pay_paid_after", "seconds", 10, 1, 3650 * DAY,
     MOCK_FAULT_CALL_PAY, 0, 0,
     "pay answers 10001 (paying); the order is paid ARG seconds later on the merchant's clock"},
    {MOCK_FAULT_PAY_PAYING_FOREVER, "pay_paying_forever", NULL, 0, 0, 0, MOCK_FAULT_CALL_PAY, 0, 0,
     "pay answers 10001 (paying); the order stays paying until it is cancelled"},
    {MOCK_FAULT_PAY_REFUSED, "pay_refused", "code", 10006, 10003, 29999, MOCK_FAULT_CALL_PAY, 0, 0,
     "pay is refused with code ARG: 10003-10006 answer SUCCESS/ARG/FAIL and record the order as "
     "failed; 2xxxx answer FAIL/ARG and record nothing"},
    {MOCK_FAULT_REFUND_SUCCESS, "refund_success", NULL, 0, 0, 0, MOCK_FAULT_CALL_REFUND, 0, 0,
     "refund is SUCCESS at once (whatever the persona)"},
    {MOCK_FAULT_REFUND_PROCESSING, "refund_processing", "seconds", DAY, 1, 3650 * DAY,
     MOCK_FAULT_CALL_REFUND, 0, 0,
     "refund answers PROCESSING; it is SUCCESS ARG seconds later on the merchant's clock"},
    {MOCK_FAULT_REFUND_CHANGE, "refund_change", "seconds", DAY, 1, 3650 * DAY,
     MOCK_FAULT_CALL_REFUND, 0, 0,
     "refund answers PROCESSING; it ends CHANGE (card frozen) ARG seconds later"},
    {MOCK_FAULT_REFUND_NOTSURE, "refund_notsure", NULL, 0, 0, 0, MOCK_FAULT_CALL_REFUND, 0, 0,
     "refund answers 20008 NOTSURE; the same out_refund_no asked again succeeds"},
    {MOCK_FAULT_REFUND_NOTSURE_FAIL, "refund_notsure_fail", NULL, 0, 0, 0, MOCK_FAULT_CALL_REFUND, 0,
     0, "refund answers 20008 NOTSURE; the same out_refund_no asked again ends FAIL"},
    {MOCK_FAULT_REFUND_FAIL, "refund_fail", NULL, 0, 0, 0, MOCK_FAULT_CALL_REFUND, 0, 0,
     "refund ends FAIL (the bank refuses); nothing is refunded"},
    {MOCK_FAULT_CANCEL_REFUSED, "cancel_refused", NULL, 0, 0, 0, MOCK_FAULT_CALL_CANCEL, 0, 0,
     "cancel answers 20011 and leaves the order as it is"},
    {MOCK_FAULT_SYSTEM_ERROR, "system_error", NULL, 0, 0, 0, MOCK_FAULT_CALL_ANY, 0, 1,
     "the call answers 20006 NEED_QUERY after it took effect (;not_applied: before, nothing "
     "changed)"},
    {MOCK_FAULT_DELAY, "delay", "ms", 2000, 1, 120000, MOCK_FAULT_CALL_ANY, 1, 1,
     "the answer leaves ARG milliseconds late (real time: longer than the client's timeout)"},
    {MOCK_FAULT_DROP, "drop", NULL, 0, 0, 0, MOCK_FAULT_CALL_ANY, 1, 1,
     "the connection is closed without an answer, after the call took effect"},
    {MOCK_FAULT_EMPTY, "empty", NULL, 0, 0, 0, MOCK_FAULT_CALL_ANY, 1, 1,
     "HTTP 200 with an empty body, after the call took effect"},
    {MOCK_FAULT_TRUNCATED, "truncated", NULL, 0, 0, 0, MOCK_FAULT_CALL_ANY, 1, 1,
     "Content-Length of the whole answer, half of it sent, the connection closed"},
    {MOCK_FAULT_NOT_JSON, "not_json", NULL, 0, 0, 0, MOCK_FAULT_CALL_ANY, 1, 1,
     "HTTP 200 with an HTML body instead of JSON"},
    {MOCK_FAULT_HTTP_5XX, "http_5xx", "status", 502, 500, 599, MOCK_FAULT_CALL_ANY, 1, 1,
     "HTTP ARG (500-599) with an HTML body, as a proxy in front of the gateway answers"},
    {MOCK_FAULT_BAD_SIGN, "bad_sign", NULL, 0, 0, 0, MOCK_FAULT_CALL_ANY, 1, 1,
     "the answer's sign is altered (one character changed)"},
    {MOCK_FAULT_NO_SIGN, "no_sign", NULL, 0, 0, 0, MOCK_FAULT_CALL_ANY, 1, 1,
     "the answer carries no sign"},
    {MOCK_FAULT_OTHER_AGENT_SIGN, "other_agent_sign", NULL, 0, 0, 0, MOCK_FAULT_CALL_ANY, 1, 1,
     "the answer is signed with another agent's key"},
};

#define TABLE_SIZE (sizeof table / sizeof table[0])

const mock_fault_info *mock_fault_table(size_t *count)
{
    if (count)
        *count = TABLE_SIZE;
    return table;
}

const mock_fault_info *mock_fault_info_of(mock_fault_kind kind)
{
    for (size_t i = 0; i < TABLE_SIZE; i++)
        if (table[i].kind == kind)
            return &table[i];
    return NULL;
}

/* Copy [s, e) trimmed of spaces into out; 0, or -1 when too long. */
static int trimmed(const char *s, const char *e, char *out, size_t outlen)
{
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    if ((size_t)(e - s) >= outlen)
        return -1;
    memcpy(out, s, (size_t)(e - s));
    out[e - s] = '\0';
    return 0;
}

int mock_fault_parse(const char *text, mock_fault *out, char *err, size_t errlen)
{
    char scratch[8];
    if (!err || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    if (!text || !out) {
        snprintf(err, errlen, "no fault given");
        return -1;
    }
    const char *semi = strchr(text, ';');
    const char *end = semi ? semi : text + strlen(text);
    const char *eq = memchr(text, '=', (size_t)(end - text));
    char name[40], arg[24] = "", flag[24] = "";
    if (trimmed(text, eq ? eq : end, name, sizeof name) != 0 || !name[0]) {
        snprintf(err, errlen, "a fault needs a name (e.g. drop, refund_notsure)");
        return -1;
    }
    if (eq && trimmed(eq + 1, end, arg, sizeof arg) != 0) {
        snprintf(err, errlen, "fault %s: the argument is too long", name);
        return -1;
    }
    if (semi && trimmed(semi + 1, semi + strlen(semi), flag, sizeof flag) != 0) {
        snprintf(err, errlen, "fault %s: unknown option after ';'", name);
        return -1;
    }
    const mock_fault_info *info = NULL;
    for (size_t i = 0; i < TABLE_SIZE && !info; i++)
        if (strcmp(table[i].name, name) == 0)
            info = &table[i];
    if (!info) {
        snprintf(err, errlen, "unknown fault \"%.39s\" (GET /mock/faults lists them)", name);
        return -1;
    }
    memset(out, 0, sizeof *out);
    out->kind = info->kind;
    out->arg = info->arg_default;
    if (eq) {
        if (!info->arg_name) {
            snprintf(err, errlen, "fault %s takes no argument", info->name);
            return -1;
        }
        char *stop = NULL;
        errno = 0;
        long long v = strtoll(arg, &stop, 10);
        if (!arg[0] || errno || *stop || !isdigit((unsigned char)arg[0]) || v < info->arg_min
            || v > info->arg_max) {
            snprintf(err, errlen, "fault %s: %s must be a whole number from %lld to %lld",
                     info->name, info->arg_name, info->arg_min, info->arg_max);
            return -1;
        }
        out->arg = v;
    }
    if (info->kind == MOCK_FAULT_PAY_REFUSED && out->arg > 10006 && out->arg < 20000) {
        snprintf(err, errlen, "fault pay_refused: code must be 10003-10006 or 20000-29999");
        return -1;
    }
    if (semi) {
        if (strcmp(flag, "not_applied") != 0) {
            snprintf(err, errlen, "fault %s: the only option after ';' is not_applied", info->name);
            return -1;
        }
        if (!info->may_skip) {
            snprintf(err, errlen, "fault %s is the call's outcome: it cannot be not_applied",
                     info->name);
            return -1;
        }
        out->not_applied = 1;
    }
    return 0;
}

char *mock_fault_format(const mock_fault *f, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return out;
    const mock_fault_info *info = f ? mock_fault_info_of(f->kind) : NULL;
    if (!info) {
        snprintf(out, outlen, "none");
        return out;
    }
    if (info->arg_name)
        snprintf(out, outlen, "%s=%lld%s", info->name, f->arg, f->not_applied ? ";not_applied" : "");
    else
        snprintf(out, outlen, "%s%s", info->name, f->not_applied ? ";not_applied" : "");
    return out;
}

int mock_fault_fits(const mock_fault *f, int call_kind)
{
    const mock_fault_info *info = f ? mock_fault_info_of(f->kind) : NULL;
    if (!info || call_kind < 0 || call_kind > 4)
        return 0;
    return (info->calls & (1u << call_kind)) != 0;
}

int mock_fault_is_transport(const mock_fault *f)
{
    const mock_fault_info *info = f ? mock_fault_info_of(f->kind) : NULL;
    return info && info->transport;
}
