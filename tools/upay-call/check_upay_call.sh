#!/bin/sh
# check_upay_call.sh CASE UPAY_CALL UPAY_MOCK - end-to-end tests of upay-call
# against a real upay-mock on a free loopback port with a frozen clock.
#   notsure_retry  persona 9102: the first refund is NOTSURE (20008), the same
#                  number again succeeds; both on the order's journal
#   exit_status    verified answers and the unsigned refusal exit 0, a wrong
#                  key exits 1, an unreachable gateway 3
#   usage          bad command lines exit 2 and send nothing
set -u
case_name=$1 call=$2 mock=$3
dir=$(mktemp -d)
trap 'kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; echo "--- last output:"; cat "$dir/out" 2>/dev/null; exit 1; }

mkfifo "$dir/ready"
"$mock" --listen 127.0.0.1:0 --frozen-clock --quiet --seed 7 >"$dir/ready" &
mock_pid=$!
read -r line <"$dir/ready" || fail "upay-mock did not start"
base=${line##* }
export UPAY_AGENT_ID=13000000000000001 UPAY_KEY=UPAYMOCK000000000000000000000001

# run EXPECTED_STATUS ARGS...: upay-call with its output in $dir/out
run() {
    want=$1; shift
    "$call" "$@" >"$dir/out" 2>&1
    got=$?
    [ "$got" = "$want" ] || fail "upay-call $* exited $got, wanted $want"
}
has() { grep -q -- "$1" "$dir/out" || fail "no \"$1\" in the output"; }

case $case_name in
notsure_retry)
    run 0 --url "$base" method=pay mch_id=M9102 out_trade_no=POS000001 total_fee=100 body=tea \
        auth_code=134567890123459102
    has 'signature: verified'
    has '"code":"10000"'
    has 'string to sign: agent_id=13000000000000001&auth_code=134567890123459102&body=tea&mch_id=M9102&method=pay&out_trade_no=POS000001&pid=libupay&total_fee=100&version=1.0&key=\*\*\*'
    grep -q UPAYMOCK "$dir/out" && fail "the key is printed"
    run 0 --url "$base" method=refund paytype=WECHAT mch_id=M9102 out_trade_no=POS000001 out_refund_no=REF000001 total_fee=100 refund_fee=40 op_user_id=cashier1
    has '"code":"20008"'
    has 'signature: verified'
    run 0 --url "$base" method=refund paytype=WECHAT mch_id=M9102 out_trade_no=POS000001 out_refund_no=REF000001 total_fee=100 refund_fee=40 op_user_id=cashier1
    has '"code":"10000"'
    has 'outcome: state=SUCCESS'
    curl -s "$base/mock/journal?mch_id=M9102&out_trade_no=POS000001" >"$dir/out"
    [ "$(grep -o '"call":"refund"' "$dir/out" | wc -l)" = 2 ] || fail "two refunds not journaled"
    has 'NOTSURE'
    ;;
exit_status)
    run 0 --url "$base" method=orderquery paytype=WECHAT mch_id=M1 out_trade_no=NOORDER01
    has 'signature: verified'
    has '"code":"20007"'
    grep -q 'code":"20004' "$dir/out" && fail "the query was malformed"
    run 1 --url "$base" --key WRONGKEY method=orderquery paytype=WECHAT mch_id=M1 out_trade_no=NOORDER01
    has 'NOT VERIFIED'
    run 0 --url "$base" --agent-id 99999 method=orderquery paytype=WECHAT mch_id=M1 out_trade_no=NOORDER01
    has 'unsigned refusal'
    has '20012'
    run 0 --url "$base" --hmac method=orderquery paytype=WECHAT mch_id=M1 out_trade_no=NOORDER01
    has 'sign_type=HMAC-SHA256'
    has 'signature: verified'
    run 3 --url http://127.0.0.1:1 method=orderquery paytype=WECHAT mch_id=M1 out_trade_no=NOORDER01
    has 'answer: none'
    ;;
usage)
    run 2 --url "$base" mch_id=M1                       # no method
    has 'method=CALL is required'
    run 2 --url "$base" method=pay method=refund
    has 'given twice'
    run 2 --url "$base" method=pay notaparameter
    has 'not name=value'
    run 2 --bogus method=pay
    has 'unknown option'
    UPAY_KEY= run 2 --url "$base" method=pay
    has 'are required'
    curl -s "$base/mock/journal" >"$dir/out"
    has '"entries":\[\]'
    run 0 --help
    ;;
*) fail "unknown case $case_name" ;;
esac
# a clean stop: SIGTERM exits 0 (a sanitizer's report would not)
kill "$mock_pid"
wait "$mock_pid" || fail "upay-mock exited $? after SIGTERM"
echo "ok: upay_call.$case_name"
