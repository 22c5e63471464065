/*
 * server/domain/code_url.h - the QR link of a NATIVE pre-order, which the
 * gateway answers as code_url and the dashboard draws as a QR code.
 */
#ifndef UPAY_MOCK_CODE_URL_H
#define UPAY_MOCK_CODE_URL_H

#include <stddef.h>

#include "domain/trade_machine.h"

/*
 * (**Decision**) Look-alikes of the wallets' links, unique per order:
 * weixin://wxpay/bizpayurl?pr=<out_transaction_id> (WeChat),
 * https://qr.alipay.com/bax<out_transaction_id> (Alipay),
 * https://qr.pbcdci.cn/<out_transaction_id> (digital yuan). Writes `out`
 * ("" for an order that is not a NATIVE pre-order).
 */
void mock_code_url(const mock_order *o, char *out, size_t size);

#endif /* UPAY_MOCK_CODE_URL_H */
