/*
 * upay.h - umbrella header of libupay, the UnifiedPay gateway client library.
 * Including it gives the whole public API.
 */
#ifndef UPAY_H
#define UPAY_H

#include "upay/common.h"
#include "upay/error.h"
#include "upay/params.h"
#include "upay/form.h"
#include "upay/sign.h"
#include "upay/response.h"
#include "upay/refund_list.h"
#include "upay/protocol.h"
#include "upay/client.h"
#include "upay/preorder.h"
#include "upay/notify.h"

#endif /* UPAY_H */
