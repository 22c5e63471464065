# tests/install/helpers.sh - shell functions the install checks share
# (sourced by check_*.sh, not run). Each check sets $tmp, a scratch directory,
# and kills $mock_pid on exit.

mock_pid=""

# start_mock UPAY_MOCK: start that program on a free port and wait for its
# listening line; sets $mock_pid and $mock_url.
start_mock() {
    mkfifo "$tmp/mock.out"
    "$1" --listen 127.0.0.1:0 --quiet >"$tmp/mock.out" &
    mock_pid=$!
    IFS= read -r mock_line <"$tmp/mock.out" || mock_line=""
    mock_url=${mock_line#upay-mock listening on }
    [ -n "$mock_url" ] || { echo "FAIL: $1 did not start" >&2; exit 1; }
}

# pay_once UPAY_PAY WHAT: one payment (a customer who pays at once) with that
# upay-pay against $mock_url; exits the check when it is not paid.
pay_once() {
    "$1" --url "$mock_url" --agent-id 13000000000000001 \
        --key UPAYMOCK000000000000000000000001 --mch-id 00000001 \
        --auth-code 134567890123450000 --total-fee 100 --body coffee >"$tmp/pay.txt" ||
        { cat "$tmp/pay.txt" >&2; echo "FAIL: $2 upay-pay did not pay" >&2; exit 1; }
    echo "ok: $2 upay-pay paid on $2 upay-mock"
}
