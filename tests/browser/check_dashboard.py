#!/usr/bin/env python3
"""tests/browser/check_dashboard.py - the dashboard in a real browser.

    check_dashboard.py CASE --mock UPAY_MOCK --call UPAY_CALL --out DIR

Starts upay-mock (port 0, frozen clock) and headless Chromium, which it
drives through the DevTools protocol over a pipe (--remote-debugging-pipe:
NUL-separated JSON, no WebSocket library needed). Payments go through
upay-call (libupay). CASE:

  live      pay and see the order appear, its merchant in the picker (which
            lists GET /mock/merchants, never all orders); a 9101 refund
            PROCESSING settles when +24 h is pressed on the page;
            NOTSURE-then-retry is on the order's timeline; a rule added
            from the form fires on the next call and shows on the timeline
  personas  screenshot the persona sheet per wallet and decode every
            barcode with zbarimg: each decodes to the code printed under it;
            each code pays as its wallet and persona; printed, 6 A4 pages

Screenshots go to DIR (docs/img/ holds the ones docs/dashboard.md shows).
Exit 0 pass, 1 fail, 77 skipped (Chromium or zbarimg cannot run here).
"""
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

SKIP = 77
AGENT = "13000000000000001"
KEY = "UPAYMOCK000000000000000000000001"
MCH = "UIDEMO01"
OTHER = "UIDEMO00"   # sorts before MCH in the merchant list
WAIT_S = 15          # the page polls every second; this bounds a wait for it


class Fail(Exception):
    pass


class Chromium:
    """One headless Chromium and one page, driven over --remote-debugging-pipe."""

    def __init__(self, binary, profile):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # the child reads commands on fd 3 and writes answers on fd 4
        high = [os.dup(fd) for fd in (to_child_r, from_child_w)]

        def wire():
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        args = [binary, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=wire, pass_fds=(3, 4),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in high + [to_child_r, from_child_w]:
            os.close(fd)
        self.w = os.fdopen(to_child_w, "wb", buffering=0)
        self.r = os.fdopen(from_child_r, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise Fail("Chromium did not answer in time")
            chunk = self.r.read(65536)
            if not chunk:
                raise Fail("Chromium closed its DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.w.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise Fail(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def open_page(self, width, height, scale):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        att = self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                        session=False)
        self.session = att["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False})

    def goto(self, url):
        self.send("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'", "the page to load")

    def eval(self, expr):
        res = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                             "awaitPromise": True})
        if "exceptionDetails" in res:
            raise Fail(f"page error in {expr!r}: {res['exceptionDetails'].get('text')} "
                       f"{res['exceptionDetails'].get('exception', {}).get('description', '')}")
        return res["result"].get("value")

    def wait_for(self, expr, what):
        """Wait for the page (it polls the mock) to make `expr` true; real time, not the mock's."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if self.eval(f"!!({expr})"):
                return
            time.sleep(0.1)
        raise Fail(f"the page never showed {what} ({expr})")

    def screenshot(self, path, full_page=False):
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_mock(binary):
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--frozen-clock", "--quiet",
                             "--seed", "42"], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("upay-mock listening on "):
        proc.kill()
        raise Fail(f"upay-mock did not start: {line!r}")
    return proc, line.rsplit(" ", 1)[1]


def call(tool, base, *params):
    """upay-call with the built-in agent; returns its output, fails on exit status != 0."""
    env = dict(os.environ, UPAY_AGENT_ID=AGENT, UPAY_KEY=KEY)
    res = subprocess.run([tool, "--url", base, *params], env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise Fail(f"upay-call {' '.join(params)} exited {res.returncode}:\n{res.stdout}{res.stderr}")
    return res.stdout


def js(s):
    return json.dumps(s)


def case_live(page, base, tool, out):
    pay = ["method=pay", "paytype=WECHAT", f"mch_id={MCH}", "total_fee=100", "body=tea"]
    refund = ["method=refund", "paytype=WECHAT", f"mch_id={MCH}", "total_fee=100",
              "refund_fee=40", "op_user_id=cashier1"]
    page.goto(f"{base}/mock/ui/#mch={MCH}")
    page.eval("performance.setResourceTimingBufferSize(100000)")   # every request it makes
    page.wait_for("document.querySelector('#status').textContent.startsWith('live')", "its live status")

    # 1. a payment through libupay appears
    assert '"code":"10000"' in call(tool, base, *pay, "out_trade_no=POS000001",
                                    "auth_code=134567890123459101")
    row = "document.querySelector('#orders tr[data-order=\"POS000001\"]')"
    page.wait_for(f"{row} && {row}.textContent.includes('PAID')", "the paid order")

    # the merchant picker: GET /mock/merchants in mch_id order, the one on screen marked;
    # choosing another shows its orders, and back
    call(tool, base, "method=pay", "paytype=WECHAT", f"mch_id={OTHER}", "total_fee=100",
         "body=tea", "out_trade_no=OTH000001", "auth_code=134567890123450000")
    picker = "[...document.querySelectorAll('#merchants button[data-mch]')].map(b => b.dataset.mch)"
    page.wait_for(f"{picker}.join() === {js(OTHER + ',' + MCH)}",
                  f"{OTHER} and {MCH} in the merchant list, in that order")
    if page.eval("document.querySelector('#merchants li.current button').dataset.mch") != MCH:
        raise Fail(f"{MCH} is not marked as the merchant on screen")
    page.eval(f"document.querySelector('#merchants button[data-mch={js(OTHER)}]').click()")
    page.wait_for(f"location.hash === '#mch={OTHER}' && document.querySelector("
                  "'#orders tr[data-order=\"OTH000001\"]')", f"{OTHER}'s order")
    page.eval(f"document.querySelector('#merchants button[data-mch={js(MCH)}]').click()")
    page.wait_for(f"location.hash === '#mch={MCH}' && {row}", f"{MCH}'s orders again")
    # it asks for the merchants, never for every merchant's orders
    asked = page.eval("performance.getEntriesByType('resource').map(e => e.name)")
    if not any("/mock/merchants?limit=100" in u for u in asked):
        raise Fail("the page never asked GET /mock/merchants?limit=100")
    everyone = [u for u in asked if "/mock/orders" in u and "mch_id=" not in u]
    if everyone:
        raise Fail(f"the page asked for every merchant's orders: {everyone[0]}")

    # 2. a refund PROCESSING (persona 9101) settles when the clock moves from the page
    assert '"code":"10000"' in call(tool, base, *refund, "out_trade_no=POS000001",
                                    "out_refund_no=REF000001")
    refund_li = f"{row}.querySelector('[data-refund=\"REF000001\"]')"
    page.wait_for(f"{refund_li} && {refund_li}.textContent.includes('PROCESSING')",
                  "the PROCESSING refund")
    if page.eval(f"{row}.querySelector('.refundable').textContent") != "60":
        raise Fail("the order does not show 60 fen still refundable")
    page.eval("document.querySelector('[data-advance=\"300\"]').click()")
    page.wait_for("document.querySelector('#clock-offset').textContent.startsWith('offset 300 ')",
                  "the clock moved 5 min")
    if "SUCCESS" in page.eval(f"{refund_li}.textContent"):
        raise Fail("the refund settled before its 24 h")
    page.eval("document.querySelector('[data-advance=\"86400\"]').click()")
    page.wait_for(f"{refund_li} && {refund_li}.textContent.includes('SUCCESS')",
                  "the refund settled after +24 h")
    page.wait_for("document.querySelector('#ledger').textContent.startsWith('ledger consistent')",
                  "the ledger verdict")

    # 3. NOTSURE then retry (persona 9102) on the order's timeline
    call(tool, base, *pay, "out_trade_no=POS000002", "auth_code=134567890123459102")
    first = call(tool, base, *refund, "out_trade_no=POS000002", "out_refund_no=REF000002")
    again = call(tool, base, *refund, "out_trade_no=POS000002", "out_refund_no=REF000002")
    if '"code":"20008"' not in first or '"code":"10000"' not in again:
        raise Fail("NOTSURE then retry did not happen:\n" + first + again)
    row2 = "document.querySelector('#orders tr[data-order=\"POS000002\"]')"
    page.wait_for(f"{row2} && {row2}.querySelector('[data-refund=\"REF000002\"]')"
                  ".textContent.includes('SUCCESS')", "the retried refund")
    page.eval(f"{row2}.click()")
    tl = "[...document.querySelectorAll('#timeline li[data-seq]')]"
    page.wait_for(f"{tl}.length === 3", "three exchanges on POS000002's timeline")
    codes = page.eval(f"{tl}.map(li => li.querySelector('.code').textContent)")
    if codes != ["10000", "20008", "10000"]:
        raise Fail(f"timeline codes {codes}, wanted pay 10000, refund 20008, retry 10000")
    sign = page.eval(f"{tl}[1].querySelector('.signstring').textContent")
    if not sign.startswith(f"agent_id={AGENT}&mch_id={MCH}&method=refund") or not sign.endswith("&key=***"):
        raise Fail(f"string to sign shown wrong: {sign}")
    if page.eval(f"{tl}.every(li => li.querySelector('.signature').textContent === 'verified')") is not True:
        raise Fail("a request's signature is not shown as verified")
    if "persona 9102" not in page.eval(f"{tl}[1].querySelector('.shaped').textContent"):
        raise Fail("the timeline does not name persona 9102")

    # 4. a rule added from the form fires on the next call
    page.eval("""(() => {
        const f = document.querySelector('#rule-fault');
        f.value = 'system_error'; f.dispatchEvent(new Event('change'));
        document.querySelector('#rule-method').value = 'orderquery';
        document.querySelector('#rule-order').value = 'POS000002';
        document.querySelector('#rule-times').value = '1';
        document.querySelector('#rule-form button').click();
    })()""")
    rule_row = "document.querySelector('#rules tr[data-rule]')"
    page.wait_for(f"{rule_row} && {rule_row}.textContent.includes('system_error')",
                  "the new rule in the rules table")
    page.screenshot(os.path.join(out, "dashboard-rule.png"), full_page=True)
    answer = call(tool, base, "method=orderquery", "paytype=WECHAT", f"mch_id={MCH}",
                  "out_trade_no=POS000002")
    if '"code":"20006"' not in answer:
        raise Fail("the rule did not fire on the next orderquery:\n" + answer)
    page.wait_for(f"{tl}.length === 4 && {tl}[3].querySelector('.shaped').textContent"
                  ".includes('fault system_error from rule #')", "the fired rule on the timeline")
    page.wait_for("!document.querySelector('#rules tr[data-rule]')", "the used-up rule gone")
    page.screenshot(os.path.join(out, "dashboard-timeline.png"), full_page=True)

    # 5. the linter's finding: a new refund number while one is NOTSURE
    call(tool, base, *pay, "out_trade_no=POS000003", "auth_code=134567890123459102")
    call(tool, base, *refund, "out_trade_no=POS000003", "out_refund_no=REF000003")
    call(tool, base, *refund, "out_trade_no=POS000003", "out_refund_no=REF000004")
    page.wait_for("document.querySelector('#lint li[data-kind=\"double_refund_risk\"]')",
                  "the linter's double_refund_risk finding")
    page.eval("document.querySelector('#orders tr[data-order=\"POS000003\"]').click()")
    page.wait_for(f"{tl}.length === 3 && {tl}[2].querySelector('.lint').textContent"
                  ".includes('double_refund_risk')", "the finding on the exchange that raised it")

    # 6. a bad rule gets a clear error and changes nothing
    page.eval("""(() => {
        document.querySelector('#rule-arg').value = 'not-a-number';
        document.querySelector('#rule-fault').value = 'refund_processing';
        document.querySelector('#rule-form button').click();
    })()""")
    page.wait_for("document.querySelector('#rule-error').textContent.length > 0",
                  "the rule form's error")
    if page.eval("!!document.querySelector('#rules tr[data-rule]')"):
        raise Fail("a refused rule was added")

    # 7. any amount, then reset the merchant (the confirmation answered yes)
    page.eval("""(() => {
        document.querySelector('#advance-custom').value = '7';
        document.querySelector('#advance-form button').click();
    })()""")
    page.wait_for("document.querySelector('#clock-offset').textContent.startsWith('offset 86707 ')",
                  "the clock moved 7 s more")
    page.eval("window.confirm = () => true; document.querySelector('#reset').click()")
    page.wait_for("document.querySelector('#orders tbody').textContent === 'no orders'",
                  "the merchant's orders gone after the reset")
    page.wait_for("document.querySelector('#clock').textContent === 'not created yet'",
                  "the sandbox merchant forgotten after the reset, its clock too")
    page.wait_for(f"{picker}.join() === {js(OTHER + ',' + MCH)}",
                  f"{OTHER} still listed, and {MCH} while it is on screen")


def pay_each(tool, base, cards):
    """Pay once with every (wallet, code) as a scanner would type it; the
    mock must take each code as that wallet's and that persona's."""
    for i, (wallet, code) in enumerate(cards):
        answer = call(tool, base, "method=pay", f"paytype={wallet}", "mch_id=SHEET01",
                      f"out_trade_no=SHEET{i:05d}", "total_fee=100", "body=sheet",
                      "device_info=T1", f"auth_code={code}")
        if "signature: verified" not in answer or '"code":"10006"' in answer and code[-4:] not in ("9003", "9004"):
            raise Fail(f"{wallet} code {code} was not taken:\n{answer}")
    with urllib.request.urlopen(f"{base}/mock/orders?mch_id=SHEET01&limit=1000") as res:
        orders = {o["out_trade_no"]: o for o in json.load(res)["orders"]}
    for i, (wallet, code) in enumerate(cards):
        o = orders.get(f"SHEET{i:05d}")
        want = "default" if code.endswith("0000") else code[-4:]
        if not o or o["paytype"] != wallet or o.get("persona") != want:
            raise Fail(f"{wallet} code {code}: order {o}, wanted paytype {wallet} persona {want!r}")
    print(f"every code on the sheet pays as its wallet and persona ({len(cards)} orders)")


def case_personas(page, base, out, zbarimg, tool):
    wallets = ["WECHAT", "ALIPAY", "UNIONPAY", "QQ", "JDPAY", "BESTPAY"]
    total = 0
    cards = []
    for wallet in wallets:
        page.goto(f"{base}/mock/ui/personas?wallet={wallet}")
        printed = page.eval("[...document.querySelectorAll('.card')].map(c => "
                            "[c.querySelector('.code').textContent, c.dataset.code])")
        if len(printed) != 12 or any(a != b for a, b in printed):
            raise Fail(f"{wallet}: {len(printed)} cards, or a code printed differently: {printed}")
        codes = sorted(a for a, _ in printed)
        cards += [(wallet, c) for c in codes]
        shot = os.path.join(out, f"personas-{wallet}.png")
        page.screenshot(shot, full_page=True)
        res = subprocess.run([zbarimg, "-q", shot], capture_output=True, text=True)
        found = {"CODE-128": [], "QR-Code": []}
        for line in res.stdout.splitlines():
            kind, _, data = line.partition(":")
            found.setdefault(kind, []).append(data)
        for kind in ("CODE-128", "QR-Code"):
            if sorted(found[kind]) != codes:
                missing = sorted(set(codes) - set(found[kind]))
                extra = sorted(set(found[kind]) - set(codes))
                raise Fail(f"{wallet} {kind}: decoded {len(found[kind])} of {len(codes)}; "
                           f"missing {missing}, not printed {extra}")
        total += 2 * len(codes)
        print(f"{wallet}: {len(codes)} Code 128 and {len(codes)} QR codes decode to their printed codes")
    print(f"persona sheet: {total} barcodes decoded by zbarimg")
    pay_each(tool, base, cards)

    # printed: A4 pages (595 x 842 pt), one wallet a page
    page.goto(f"{base}/mock/ui/personas")
    pdf = base64.b64decode(page.send("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    with open(os.path.join(out, "personas.pdf"), "wb") as f:
        f.write(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf))
    if pages != len(wallets) or {(round(float(w)), round(float(h))) for w, h in boxes} != {(595, 842)}:
        raise Fail(f"the printed sheet has {pages} pages of {boxes}, wanted {len(wallets)} A4 pages")
    print(f"printed: {pages} A4 pages")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["live", "personas"])
    ap.add_argument("--mock", required=True)
    ap.add_argument("--call", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: Chromium is not installed (scripts/install-deps installs Debian's chromium)")
        return SKIP
    zbarimg = shutil.which("zbarimg")
    if a.case == "personas" and not zbarimg:
        print("SKIP: zbarimg is not installed (Debian zbar-tools)")
        return SKIP
    os.makedirs(a.out, exist_ok=True)
    mock, base = start_mock(a.mock)
    profile = tempfile.mkdtemp(prefix="upay-chromium-")
    page = None
    try:
        try:
            page = Chromium(chromium, profile)
            page.open_page(1280, 900, 2 if a.case == "personas" else 1)
        except (Fail, OSError) as e:
            print(f"SKIP: Chromium cannot start here: {e}")
            return SKIP
        if a.case == "live":
            case_live(page, base, a.call, a.out)
        else:
            case_personas(page, base, a.out, zbarimg, a.call)
        mock.terminate()
        if mock.wait() != 0:    # a sanitizer's report, or an unclean stop
            raise Fail(f"upay-mock exited {mock.returncode} after SIGTERM")
        print(f"ok: browser.{a.case} (screenshots in {a.out})")
        return 0
    except (Fail, AssertionError) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        if page:
            page.close()
        mock.terminate()
        mock.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
