/*
 * check_e2e_mock_ids.c - the gateway's ids over restarts: with the same
 * --seed over the same --state file (the case where a restarted generator
 * would hand out the same numbers again), new orders and refunds still get
 * new, larger transaction_id / refund_id, and the old ones still answer.
 */
#include <stdlib.h>
#include <unistd.h>

#include "e2e/mock_test_util.h"

static mock_server *start_on(const char *state)
{
    mock_options o;
    memset(&o, 0, sizeof o);
    o.state_path = state;
    o.has_seed = 1;
    o.seed = 42;
    return mt_start(&o);
}

START_TEST(restart_same_seed)
{
    char dir[] = "/tmp/upay-ids-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char state[128];
    snprintf(state, sizeof state, "%s/state.db", dir);

    mock_server *s = start_on(state);
    mt_gw g;
    mt_gw_init(&g, mock_server_url(s));
    upay_params *p = mt_pay(&g, "IDS1", "IDS_ORDER_1", "100", "134567890123450000");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    char first[40];
    snprintf(first, sizeof first, "%s", mt_field(p, "transaction_id"));
    upay_params_free(p);
    p = mt_call(&g, "refund", "mch_id", "IDS1", "paytype", "WECHAT", "out_trade_no", "IDS_ORDER_1",
                "out_refund_no", "R1", "total_fee", "100", "refund_fee", "10", "op_user_id", "IDS1",
                NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    char first_refund[40];
    snprintf(first_refund, sizeof first_refund, "%s", mt_field(p, "refund_id"));
    upay_params_free(p);
    mock_server_stop(s);

    s = start_on(state);
    mt_gw_init(&g, mock_server_url(s));
    p = mt_pay(&g, "IDS1", "IDS_ORDER_2", "100", "134567890123450000");
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_ne(mt_field(p, "transaction_id"), first);
    /* the sequence continues after every stored id, refunds' included */
    ck_assert_int_gt(strcmp(mt_field(p, "transaction_id") + 18, first + 18), 0);
    ck_assert_int_gt(strcmp(mt_field(p, "transaction_id") + 18, first_refund + 18), 0);
    upay_params_free(p);
    p = mt_call(&g, "refund", "mch_id", "IDS1", "paytype", "WECHAT", "out_trade_no", "IDS_ORDER_2",
                "out_refund_no", "R2", "total_fee", "100", "refund_fee", "10", "op_user_id", "IDS1",
                NULL);
    mt_expect(p, "SUCCESS", "10000", "SUCCESS");
    ck_assert_str_ne(mt_field(p, "refund_id"), first_refund);
    upay_params_free(p);
    p = mt_call(&g, "orderquery", "mch_id", "IDS1", "paytype", "WECHAT", "transaction_id", first,
                NULL);
    mt_expect(p, "SUCCESS", "10002", "REFUND");
    upay_params_free(p);
    mock_server_stop(s);

    char path[160];
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", state, suffixes[i]);
        unlink(path);
    }
    rmdir(dir);
}
END_TEST

Suite *make_e2e_mock_ids_suite(void)
{
    Suite *s = suite_create("e2e_mock_ids");
    TCase *tc = tcase_create("restart");
    tcase_add_test(tc, restart_same_seed);
    suite_add_tcase(s, tc);
    return s;
}
