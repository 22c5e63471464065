#!/bin/sh
# check_ui_http.sh UPAY_MOCK - the dashboard's HTTP contract without a browser:
# behind the admin guard (--admin-token: 401 without it), GET/HEAD only,
# unknown files 404, /mock/ui redirects to /mock/ui/, the embedded files and
# the persona sheet served with their types, the gateway untouched.
set -u
mock=$1
dir=$(mktemp -d)
trap 'kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkfifo "$dir/ready"
"$mock" --listen 127.0.0.1:0 --frozen-clock --quiet --admin-token s3cret >"$dir/ready" &
mock_pid=$!
read -r line <"$dir/ready" || fail "upay-mock did not start"
base=${line##* }

# expect STATUS TYPE_PREFIX CURL_ARGS...: one request's status and content type
expect() {
    want=$1 type=$2; shift 2
    got=$(curl -s -o "$dir/body" -w '%{http_code} %{content_type}' "$@") || fail "curl $*"
    case "$got" in
    "$want $type"*) ;;
    *) fail "curl $* gave \"$got\", wanted \"$want $type...\"" ;;
    esac
}
auth="Authorization: Bearer s3cret"

expect 401 application/json "$base/mock/ui/"
grep -q 'admin token required' "$dir/body" || fail "401 without its reason"
expect 401 application/json -H 'Authorization: Bearer wrong' "$base/mock/ui/personas"
expect 200 text/html -H "$auth" "$base/mock/ui/"
grep -q '<script src="/mock/ui/app.js">' "$dir/body" || fail "index.html is not the dashboard"
expect 200 text/html -H "X-Upay-Admin-Token: s3cret" "$base/mock/ui/index.html"
expect 200 text/javascript -H "$auth" "$base/mock/ui/app.js"
expect 200 text/css -H "$auth" "$base/mock/ui/style.css"
expect 200 text/css -H "$auth" "$base/mock/ui/sheet.css"
expect 301 text/plain -H "$auth" "$base/mock/ui"
expect 404 application/json -H "$auth" "$base/mock/ui/nothing.js"
expect 404 application/json -H "$auth" --path-as-is "$base/mock/ui/../ui/x/../../../etc/passwd"
expect 405 application/json -H "$auth" -X POST -d x "$base/mock/ui/"
expect 405 application/json -H "$auth" -X DELETE "$base/mock/ui/personas"
expect 200 text/html -H "$auth" -I "$base/mock/ui/"
expect 200 text/html -H "$auth" "$base/mock/ui/personas"
[ "$(grep -o '<figure class="card"' "$dir/body" | wc -l)" = 72 ] || fail "not 12 personas x 6 wallets"
[ "$(grep -o '<svg class="c128"' "$dir/body" | wc -l)" = 72 ] || fail "not 72 Code 128 barcodes"
[ "$(grep -o '<svg class="qr"' "$dir/body" | wc -l)" = 72 ] || fail "not 72 QR codes"
grep -q 'data-code="6234567890123459102"' "$dir/body" || fail "UnionPay 9102 missing"
expect 200 text/html -H "$auth" "$base/mock/ui/personas?wallet=QQ"
[ "$(grep -o '<figure class="card"' "$dir/body" | wc -l)" = 12 ] || fail "QQ: not 12 cards"
expect 200 text/html -H "$auth" "$base/mock/ui/personas?wallet=NOPE"
grep -q 'No wallet is called that' "$dir/body" || fail "an unknown wallet is not explained"
# the admin API and the gateway are as before
expect 200 application/json -H "$auth" "$base/mock/health"
expect 404 application/json "$base/"
# a clean stop: SIGTERM exits 0 (a sanitizer's report would not)
kill "$mock_pid"
wait "$mock_pid" || fail "upay-mock exited $? after SIGTERM"
echo "ok: browser.ui_http"
