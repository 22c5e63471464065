/*
 * server/domain/persona.c - the persona table (see persona.h and docs/personas.md).
 */
#include "domain/persona.h"

#include <string.h>

static const mock_persona default_persona = {
    "", MOCK_PAY_AT_ONCE, MOCK_REFUND_AT_ONCE, 0,
    "pays at once; refunds settle at once"
};

static const mock_persona personas[] = {
    { "9001", MOCK_PAY_PASSWORD, MOCK_REFUND_AT_ONCE, 0,
      "must type a password: pay answers 10001/NEED_QUERY, paid 10 s later" },
    { "9002", MOCK_PAY_NEVER, MOCK_REFUND_AT_ONCE, 0,
      "never confirms: stays paying until cancelled" },
    { "9003", MOCK_PAY_NO_BALANCE, MOCK_REFUND_AT_ONCE, 0,
      "not enough balance: 10006/FAIL" },
    { "9004", MOCK_PAY_EXPIRED_CODE, MOCK_REFUND_AT_ONCE, 0,
      "expired payment code: 10006/FAIL" },
    { "9005", MOCK_PAY_FAULT, MOCK_REFUND_AT_ONCE, 0,
      "gateway fault: pay answers 20006/NEED_QUERY although the order is paid" },
    { "9006", MOCK_PAY_COUPON, MOCK_REFUND_AT_ONCE, 1,
      "pays with a 1-fen coupon (coupon_fee 1): 1 fen is not refundable" },
    { "9007", MOCK_PAY_DECLINE, MOCK_REFUND_AT_ONCE, 0,
      "declines: pay answers 10001/NEED_QUERY, the order is not paid (10003) 10 s later" },
    { "9101", MOCK_PAY_AT_ONCE, MOCK_REFUND_LATER, 0,
      "refunds settle later: PROCESSING, SUCCESS 24 h later" },
    { "9102", MOCK_PAY_AT_ONCE, MOCK_REFUND_NOTSURE_ONCE, 0,
      "each refund number's first attempt is NOTSURE; a retry succeeds" },
    { "9103", MOCK_PAY_AT_ONCE, MOCK_REFUND_CHANGE, 0,
      "refunds go PROCESSING, then CHANGE 24 h later (card frozen)" },
    { "9104", MOCK_PAY_AT_ONCE, MOCK_REFUND_BANK_FAIL, 0,
      "refunds fail (the bank refuses): FAIL" },
};

const mock_persona *mock_persona_of(const char *auth_code)
{
    if (!auth_code)
        return &default_persona;
    size_t len = strlen(auth_code);
    if (len < 4)
        return &default_persona;
    const char *tail = auth_code + len - 4;
    for (size_t i = 0; i < sizeof personas / sizeof personas[0]; i++)
        if (memcmp(tail, personas[i].suffix, 4) == 0)
            return &personas[i];
    return &default_persona;
}

const mock_persona *mock_persona_table(unsigned *count)
{
    *count = (unsigned)(sizeof personas / sizeof personas[0]);
    return personas;
}
