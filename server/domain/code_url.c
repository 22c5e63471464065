/*
 * server/domain/code_url.c - the QR link of a NATIVE pre-order (see code_url.h).
 */
#include "domain/code_url.h"

#include <stdio.h>
#include <string.h>
#include <upay/protocol.h>

void mock_code_url(const mock_order *o, char *out, size_t size)
{
    if (strcmp(o->trade_type, "NATIVE") != 0)
        snprintf(out, size, "%s", "");
    else if (o->paytype == UPAY_PAYTYPE_ALIPAY)
        snprintf(out, size, "https://qr.alipay.com/bax%s", o->out_transaction_id);
    else if (o->paytype == UPAY_PAYTYPE_ECNY)
        snprintf(out, size, "https://qr.pbcdci.cn/%s", o->out_transaction_id);
    else
        snprintf(out, size, "weixin://wxpay/bizpayurl?pr=%s", o->out_transaction_id);
}
