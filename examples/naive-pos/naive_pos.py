#!/usr/bin/env python3
"""examples/naive-pos/naive_pos.py - a point-of-sale client written the way
integrations often start, implementing the client conformance contract
(docs/client-conformance.md) badly on purpose:

- it believes the first answer (no polling: "10001 paying" means not paid);
- it checks no signature;
- when a refund's answer is unclear it retries with a NEW out_refund_no;
- it treats any error as "not paid";
- it believes a notification without checking its signature, and marks
  the order paid every time one comes (it keeps no record of what it did).

`upay-suite client --cmd 'python3 examples/naive-pos/naive_pos.py'` must
fail exactly the scenarios listed in tests/client_conformance/naive_fails.txt:
that proves the verdicts can fail. Do not copy it.
"""
import hashlib
import json
import os
import urllib.parse
import urllib.request

E = os.environ


def call(method, **params):
    """Send one signed call; the parsed answer, or {} on any error."""
    # pid and version: the live gateway refuses a call without them (it got that right)
    params.update(method=method, agent_id=E["UPAY_AGENT_ID"], mch_id=E["UPAY_MCH_ID"],
                  pid="naivepos", version="1.0")
    text = "&".join(f"{k}={params[k]}" for k in sorted(params) if params[k] != "")
    params["sign"] = hashlib.md5(f"{text}&key={E['UPAY_KEY']}".encode()).hexdigest().upper()
    body = urllib.parse.urlencode(params).encode()
    try:
        with urllib.request.urlopen(E["UPAY_URL"], body, timeout=30) as r:
            return json.loads(r.read() or b"{}")
    except Exception:  # the naive way: an error is a failure
        return {}


def pay():
    a = call("pay", out_trade_no=E["UPAY_OUT_TRADE_NO"], auth_code=E["UPAY_AUTH_CODE"],
             total_fee=E["UPAY_TOTAL_FEE"], body=E.get("UPAY_BODY", "naive"))
    return "PAID" if a.get("code") == "10000" and a.get("trade_state") == "SUCCESS" else "NOT_PAID"


def refund():
    number = E["UPAY_OUT_REFUND_NO"]
    for attempt in range(2):
        a = call("refund", paytype=E["UPAY_PAYTYPE"], out_trade_no=E["UPAY_OUT_TRADE_NO"],
                 out_refund_no=number, total_fee=E["UPAY_TOTAL_FEE"],
                 refund_fee=E["UPAY_REFUND_FEE"], op_user_id=E["UPAY_MCH_ID"])
        if a.get("trade_state") == "SUCCESS":
            return "REFUNDED"
        if a.get("trade_state") == "PROCESSING":
            return "REFUND_PENDING"
        if a.get("trade_state") == "FAIL":
            return "REFUND_FAILED"
        number = number + "N"  # "it did not work, try again"
    return "REFUND_FAILED"


def cancel():
    a = call("cancel", paytype=E["UPAY_PAYTYPE"], out_trade_no=E["UPAY_OUT_TRADE_NO"],
             op_user_id=E["UPAY_MCH_ID"])
    return "CANCELLED" if a.get("state") == "SUCCESS" else "UNKNOWN"


def notify():
    """A scan-to-pay notification: 'state=SUCCESS' is enough for it."""
    n = dict(urllib.parse.parse_qsl(E["UPAY_NOTIFY_BODY"]))
    return "PAID" if n.get("state") == "SUCCESS" else "REJECTED"


ACTIONS = {"pay": pay, "refund": refund, "cancel": cancel, "notify": notify}
outcome = ACTIONS[E["UPAY_ACTION"]]()
print(json.dumps({"outcome": outcome, "answer": "success"} if E["UPAY_ACTION"] == "notify"
                 else {"outcome": outcome}))
