/*
 * check_mock_lint.c - the integration linter without HTTP: each mistake it
 * names is raised by the traffic that shows it, and not by the careful
 * traffic next to it (the same calls spaced or numbered correctly).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "observe/lint.h"
#include "gateway/request.h"

#define LINT_GOLDEN 3879241086783453527ULL

typedef struct ev {
    int kind;
    long long now;
    const char *otn;
    const char *orn;
    long long total;
    int told;
    const char *trade_state;
} ev;

static size_t feed(mock_lint *l, const char *mch, ev x, char *raised, size_t len)
{
    mock_lint_event e;
    memset(&e, 0, sizeof e);
    e.mch_id = mch;
    e.call_kind = x.kind;
    e.now = x.now;
    e.out_trade_no = x.otn;
    e.out_refund_no = x.orn;
    e.auth_code = "134567890123450000";
    e.total_fee = x.total;
    e.order_total = -1;
    e.told = x.told;
    e.trade_state = x.trade_state;
    return mock_lint_observe(l, &e, raised, len);
}

static int count_kind(mock_lint *l, const char *mch, long long now, const char *kind)
{
    cJSON *rep = mock_lint_report(l, mch, now);
    ck_assert_ptr_nonnull(rep);
    int n = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(rep, "findings"))
        if (!strcmp(cJSON_GetObjectItem(f, "kind")->valuestring, kind))
            n++;
    ck_assert_int_eq(cJSON_GetObjectItem(rep, "count")->valueint,
                     cJSON_GetArraySize(cJSON_GetObjectItem(rep, "findings")));
    cJSON_Delete(rep);
    return n;
}

START_TEST(double_refund)
{
    mock_lint *l = mock_lint_new();
    char raised[128];
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O1", NULL, 100, 1, "SUCCESS"}, raised, sizeof raised);
    /* R1 NOTSURE, then R1 again: fine; then R2 while R1 is still NOTSURE: raised */
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_REFUND, 10, "O1", "R1", 100, 1, "NEED_QUERY"},
                           raised, sizeof raised), 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_REFUND, 20, "O1", "R1", 100, 1, "NEED_QUERY"},
                           raised, sizeof raised), 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_REFUND, 30, "O1", "R2", 100, 1, "SUCCESS"},
                           raised, sizeof raised), 1);
    ck_assert_str_eq(raised, "double_refund_risk");
    /* an answer lost on the way (told = 0) is just as risky */
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O2", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    feed(l, "M", (ev){MOCK_CALL_REFUND, 10, "O2", "R3", 100, 0, "SUCCESS"}, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_REFUND, 11, "O2", "R4", 100, 1, "SUCCESS"},
                           raised, sizeof raised), 1);
    /* a refundquery that tells SUCCESS clears the doubt */
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O3", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    feed(l, "M", (ev){MOCK_CALL_REFUND, 10, "O3", "R5", 100, 1, "PROCESSING"}, NULL, 0);
    const char *nos[] = {"R5"}, *sts[] = {"SUCCESS"};
    mock_lint_event q = {.mch_id = "M", .call_kind = MOCK_CALL_REFUNDQUERY, .now = 12,
                         .out_trade_no = "O3", .total_fee = -1, .order_total = -1, .told = 1,
                         .trade_state = "SUCCESS", .refund_nos = nos, .refund_statuses = sts,
                         .nrefunds = 1};
    mock_lint_observe(l, &q, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_REFUND, 13, "O3", "R6", 100, 1, "SUCCESS"},
                           raised, sizeof raised), 0);
    /* a FAIL refund is no risk */
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O4", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    feed(l, "M", (ev){MOCK_CALL_REFUND, 10, "O4", "R7", 100, 1, "FAIL"}, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_REFUND, 13, "O4", "R8", 100, 1, "SUCCESS"},
                           NULL, 0), 0);
    ck_assert_int_eq(count_kind(l, "M", 100, "double_refund_risk"), 2);
    mock_lint_free(l);
}
END_TEST

START_TEST(early_cancel)
{
    mock_lint *l = mock_lint_new();
    feed(l, "M", (ev){MOCK_CALL_PAY, 100, "O1", NULL, 100, 1, "NEED_QUERY"}, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_CANCEL, 114, "O1", NULL, -1, 1, "SUCCESS"}, NULL, 0), 1);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_CANCEL, 114, "O1", NULL, -1, 1, "SUCCESS"}, NULL, 0), 0);
    feed(l, "M", (ev){MOCK_CALL_PAY, 100, "O2", NULL, 100, 1, "NEED_QUERY"}, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_CANCEL, 115, "O2", NULL, -1, 1, "SUCCESS"}, NULL, 0), 0);
    ck_assert_int_eq(count_kind(l, "M", 200, "early_cancel"), 1);
    mock_lint_free(l);
}
END_TEST

START_TEST(polling)
{
    mock_lint *l = mock_lint_new();
    char raised[64];
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O1", NULL, 100, 1, "NEED_QUERY"}, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_ORDERQUERY, 5, "O1", NULL, -1, 1, "NEED_QUERY"}, NULL, 0), 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_ORDERQUERY, 7, "O1", NULL, -1, 1, "NEED_QUERY"},
                           raised, sizeof raised), 1);
    ck_assert_str_eq(raised, "fast_polling");
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_ORDERQUERY, 12, "O1", NULL, -1, 1, "SUCCESS"}, NULL, 0), 0);
    /* paid: querying again at once is not polling */
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_ORDERQUERY, 12, "O1", NULL, -1, 1, "SUCCESS"}, NULL, 0), 0);
    /* an order paid at once is not polled either */
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O2", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_ORDERQUERY, 1, "O2", NULL, -1, 1, "SUCCESS"}, NULL, 0), 0);
    ck_assert_int_eq(count_kind(l, "M", 20, "fast_polling"), 1);
    mock_lint_free(l);
}
END_TEST

START_TEST(abandoned)
{
    mock_lint *l = mock_lint_new();
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O1", NULL, 100, 1, "NEED_QUERY"}, NULL, 0);    /* left alone */
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O2", NULL, 100, 0, NULL}, NULL, 0);            /* no answer */
    feed(l, "M", (ev){MOCK_CALL_ORDERQUERY, 10, "O2", NULL, -1, 1, "SUCCESS"}, NULL, 0);  /* queried: known */
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O3", NULL, 100, 1, "NEED_QUERY"}, NULL, 0);
    feed(l, "M", (ev){MOCK_CALL_CANCEL, 60, "O3", NULL, -1, 0, NULL}, NULL, 0);          /* cancelled */
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O4", NULL, 100, 1, "FAIL"}, NULL, 0);          /* refused */
    ck_assert_int_eq(count_kind(l, "M", MOCK_LINT_ABANDON_AFTER - 1, "abandoned_order"), 0);
    ck_assert_int_eq(count_kind(l, "M", MOCK_LINT_ABANDON_AFTER, "abandoned_order"), 1);
    ck_assert_int_eq(count_kind(l, "M", MOCK_LINT_ABANDON_AFTER * 2, "abandoned_order"), 1); /* once */
    mock_lint_free(l);
}
END_TEST

START_TEST(reuse_and_total)
{
    mock_lint *l = mock_lint_new();
    char raised[64];
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O1", NULL, 100, 1, "FAIL"}, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_PAY, 30, "O1", NULL, 200, 1, "SUCCESS"},
                           raised, sizeof raised), 1);
    ck_assert_str_eq(raised, "out_trade_no_reused");
    feed(l, "M", (ev){MOCK_CALL_PAY, 0, "O2", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_REFUND, 40, "O2", "R1", 101, 1, "FAIL"},
                           raised, sizeof raised), 1);
    ck_assert_str_eq(raised, "refund_total_mismatch");
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_REFUND, 40, "O2", "R2", 100, 1, "SUCCESS"}, NULL, 0), 0);
    /* the order's total from the mock wins over what the linter saw */
    mock_lint_event e = {.mch_id = "M", .call_kind = MOCK_CALL_REFUND, .now = 50,
                         .out_trade_no = "O9", .out_refund_no = "R9", .total_fee = 100,
                         .order_total = 300, .told = 1, .trade_state = "FAIL"};
    ck_assert_uint_eq(mock_lint_observe(l, &e, NULL, 0), 1);
    ck_assert_int_eq(count_kind(l, "M", 60, "refund_total_mismatch"), 2);
    ck_assert_int_eq(count_kind(l, "M", 60, "out_trade_no_reused"), 1);
    /* other merchants see nothing; forget drops it */
    ck_assert_int_eq(count_kind(l, "N", 60, "out_trade_no_reused"), 0);
    mock_lint_forget(l, "M");
    ck_assert_int_eq(count_kind(l, "M", 60, "out_trade_no_reused"), 0);
    mock_lint_free(l);
}
END_TEST

START_TEST(bounds)
{
    mock_lint *l = mock_lint_new();
    char otn[33], mch[33];
    /* many reuses: the findings ring keeps the latest MOCK_LINT_FINDINGS_MAX */
    for (int i = 0; i < MOCK_LINT_FINDINGS_MAX + 20; i++)
        feed(l, "M", (ev){MOCK_CALL_PAY, i, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    cJSON *rep = mock_lint_report(l, "M", 1000);
    ck_assert_int_eq(cJSON_GetObjectItem(rep, "count")->valueint, MOCK_LINT_FINDINGS_MAX);
    cJSON_Delete(rep);
    for (int i = 0; i < MOCK_LINT_ORDERS_MAX + 10; i++) {
        snprintf(otn, sizeof otn, "X%d", i);
        feed(l, "M", (ev){MOCK_CALL_PAY, i, otn, NULL, 100, 1, "SUCCESS"}, NULL, 0);
    }
    for (int i = 0; i < MOCK_LINT_MERCHANTS_MAX + 5; i++) {
        snprintf(mch, sizeof mch, "M%d", i);
        feed(l, mch, (ev){MOCK_CALL_PAY, i, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    }
    ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_PAY, 0, NULL, NULL, 100, 1, "SUCCESS"}, NULL, 0), 0);
    ck_assert_uint_eq(mock_lint_observe(NULL, NULL, NULL, 0), 0);
    ck_assert_uint_eq(mock_lint_observe(l, NULL, NULL, 0), 0);
    mock_lint_forget(l, NULL);
    mock_lint_free(l);
    mock_lint_free(NULL);
}
END_TEST

/*
 * The linter's answers do not depend on how it stores what it learned: a
 * fixed pseudo-random stream of exchanges over 40 merchants (enough orders
 * to wrap the order ring, enough findings to wrap the findings ring, refund
 * lists, lost answers) gives, exchange by exchange and report by report,
 * exactly the answers recorded from the linter that allocated every slot up
 * front (commit 4eb7290). Any change of behaviour changes the digest.
 */
static unsigned long long fnv(unsigned long long h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (h ^ 0xff) * 1099511628211ULL;
}

START_TEST(answers_unchanged)
{
    static const char *const states[] = {"SUCCESS", "USERPAYING", "NEED_QUERY", "FAIL",
                                         "PROCESSING", "REFUND", "CLOSED"};
    static const char *const rstatuses[] = {"SUCCESS", "PROCESSING", "NOTSURE", "FAIL", "CHANGE"};
    mock_lint *l = mock_lint_new();
    ck_assert_ptr_nonnull(l);
    unsigned long long h = 14695981039346656037ULL, x = 88172645463325252ULL;
    char raised[128], mch[33], otn[33], orn[33], code[33], num[32];
    for (int i = 0; i < 60000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int m = (int)(x % 40);
        snprintf(mch, sizeof mch, "S%d", m);
        /* merchant 0 sees many orders (the ring wraps); the others few */
        snprintf(otn, sizeof otn, "O%d", (int)((x >> 8) % (m == 0 ? 400 : 12)));
        snprintf(orn, sizeof orn, "R%d", (int)((x >> 20) % 6));
        snprintf(code, sizeof code, "1345678901234500%02d", (int)((x >> 30) % 3));
        const char *nos[3] = {"R0", "R1", orn};
        const char *sts[3] = {rstatuses[(x >> 40) % 5], rstatuses[(x >> 43) % 5],
                              rstatuses[(x >> 46) % 5]};
        mock_lint_event e = {
            .mch_id = mch, .call_kind = (int)((x >> 4) % 5), .now = i / 7,
            .out_trade_no = otn, .out_refund_no = orn, .auth_code = code,
            .total_fee = (long long)((x >> 50) % 3) * 100 - 1,
            .order_total = (x >> 52) % 4 ? -1 : 100, .told = (x >> 55) % 5 != 0,
            .trade_state = states[(x >> 57) % 7], .refund_nos = nos, .refund_statuses = sts,
            .nrefunds = (x >> 60) % 4};
        size_t n = mock_lint_observe(l, &e, raised, sizeof raised);
        snprintf(num, sizeof num, "%zu", n);
        h = fnv(fnv(h, num), raised);
        if (i % 5000 == 4999) {
            for (int k = 0; k < 40; k++) {
                snprintf(mch, sizeof mch, "S%d", k);
                cJSON *rep = mock_lint_report(l, mch, i / 7 + 200);
                char *text = cJSON_PrintUnformatted(rep);
                ck_assert_ptr_nonnull(text);
                h = fnv(h, text);
                cJSON_free(text);
                cJSON_Delete(rep);
            }
        }
    }
    ck_assert_uint_eq(h, LINT_GOLDEN);
    mock_lint_free(l);
}
END_TEST

/*
 * A merchant costs what it holds: 2000 merchants with one order each fit in
 * well under 2 KiB apiece (the linter once took 96 KiB per merchant up
 * front), forgetting gives the memory back, and the linter says when each
 * merchant was last seen, whether the exchange named an order or not.
 */
START_TEST(costs_what_it_holds)
{
    mock_lint *l = mock_lint_new();
    size_t empty, bytes, n;
    mock_lint_usage(l, &empty, &n);
    ck_assert_uint_eq(n, 0);
    char mch[33];
    for (int i = 0; i < 2000; i++) {
        snprintf(mch, sizeof mch, "L%d", i);
        feed(l, mch, (ev){MOCK_CALL_PAY, i, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    }
    mock_lint_usage(l, &bytes, &n);
    ck_assert_uint_eq(n, 2000);
    ck_assert_uint_lt(bytes - empty, 2000u * 2048u);
    unsigned long long seq = 0, seq5 = 0;
    ck_assert_int_eq(mock_lint_seen(l, "L5", &seq5), 1);
    ck_assert_int_eq(mock_lint_seen(l, "L1999", &seq), 1);
    ck_assert_uint_eq(seq, mock_lint_sequence(l));
    ck_assert_uint_lt(seq5, seq);
    /* an exchange without an order number still counts as seeing the merchant */
    feed(l, "L5", (ev){MOCK_CALL_ORDERQUERY, 3000, NULL, NULL, -1, 1, "SUCCESS"}, NULL, 0);
    ck_assert_int_eq(mock_lint_seen(l, "L5", &seq5), 1);
    ck_assert_uint_eq(seq5, mock_lint_sequence(l));
    ck_assert_int_eq(mock_lint_seen(l, "NOBODY", NULL), 0);
    for (int i = 0; i < 2000; i++) {
        snprintf(mch, sizeof mch, "L%d", i);
        mock_lint_forget(l, mch);
    }
    mock_lint_usage(l, &bytes, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(mock_lint_seen(l, "L5", NULL), 0);
    /* the hash's buckets stay grown; every merchant's own bytes are back */
    ck_assert_uint_lt(bytes, empty + 64u * 1024u);
    mock_lint_free(l);
}
END_TEST

/*
 * Only the MOCK_LINT_DETAILED_MAX merchants seen last keep their orders and
 * findings: a merchant pushed out by that many newer ones reports nothing,
 * is still known as seen (retention depends on it), and learns afresh.
 */
START_TEST(details_of_the_latest_merchants)
{
    mock_lint *l = mock_lint_new();
    char mch[33];
    feed(l, "D0", (ev){MOCK_CALL_PAY, 0, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    feed(l, "D0", (ev){MOCK_CALL_PAY, 1, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    ck_assert_int_eq(count_kind(l, "D0", 2, "out_trade_no_reused"), 1);
    for (int i = 1; i < MOCK_LINT_DETAILED_MAX; i++) {
        snprintf(mch, sizeof mch, "D%d", i);
        feed(l, mch, (ev){MOCK_CALL_PAY, 2, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    }
    ck_assert_int_eq(count_kind(l, "D0", 3, "out_trade_no_reused"), 1);   /* 1024th: kept */
    size_t before, after, n;
    feed(l, "DNEW", (ev){MOCK_CALL_PAY, 3, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    mock_lint_usage(l, NULL, &n);
    ck_assert_int_eq(count_kind(l, "D0", 4, "out_trade_no_reused"), 0);   /* 1025th: dropped */
    ck_assert_uint_eq(n, MOCK_LINT_DETAILED_MAX + 1);
    ck_assert_int_eq(mock_lint_seen(l, "D0", NULL), 1);
    ck_assert_int_eq(count_kind(l, "D1", 4, "out_trade_no_reused"), 0);
    feed(l, "D1", (ev){MOCK_CALL_PAY, 4, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    ck_assert_int_eq(count_kind(l, "D1", 5, "out_trade_no_reused"), 1);   /* D1 still had O1 */
    /* D0 learns afresh: O1 is a new order to it now */
    feed(l, "D0", (ev){MOCK_CALL_PAY, 5, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    ck_assert_int_eq(count_kind(l, "D0", 6, "out_trade_no_reused"), 0);
    /* 20 000 merchants with an order each cost their "seen" record, not their details */
    mock_lint_usage(l, &before, &n);
    for (int i = 0; i < 20000; i++) {
        snprintf(mch, sizeof mch, "E%d", i);
        feed(l, mch, (ev){MOCK_CALL_PAY, 6, "O1", NULL, 100, 1, "SUCCESS"}, NULL, 0);
    }
    mock_lint_usage(l, &after, &n);
    ck_assert_uint_lt(after - before, 20000u * 256u);
    mock_lint_free(l);
}
END_TEST

/*
 * A merchant's orders found by the index (from 8 orders on) are the ones a
 * scan would find, through the ring's wrap: of 300 orders the latest 256
 * are known, the 44 oldest are new again.
 */
START_TEST(order_index_follows_the_ring)
{
    mock_lint *l = mock_lint_new();
    char otn[33];
    for (int i = 0; i < 300; i++) {
        snprintf(otn, sizeof otn, "X%d", i);
        ck_assert_uint_eq(feed(l, "M", (ev){MOCK_CALL_PAY, i, otn, NULL, 100, 1, "SUCCESS"}, NULL, 0), 0);
    }
    int expect_known[][2] = {{299, 1}, {44, 1}, {43, 0}, {0, 0}, {150, 1}};
    for (size_t k = 0; k < sizeof expect_known / sizeof expect_known[0]; k++) {
        snprintf(otn, sizeof otn, "X%d", expect_known[k][0]);
        char raised[64];
        size_t n = feed(l, "M", (ev){MOCK_CALL_ORDERQUERY, 1000, otn, NULL, -1, 1, "SUCCESS"}, NULL, 0);
        ck_assert_uint_eq(n, 0);
        n = feed(l, "M", (ev){MOCK_CALL_PAY, 1000, otn, NULL, 100, 1, "SUCCESS"}, raised, sizeof raised);
        ck_assert_msg(n == (size_t)expect_known[k][1], "X%d: %zu findings", expect_known[k][0], n);
    }
    mock_lint_free(l);
}
END_TEST

Suite *make_mock_lint_suite(void)
{
    Suite *s = suite_create("mock_lint");
    TCase *tc = tcase_create("refunds");
    tcase_add_test(tc, double_refund);
    tcase_add_test(tc, reuse_and_total);
    suite_add_tcase(s, tc);
    tc = tcase_create("orders");
    tcase_add_test(tc, early_cancel);
    tcase_add_test(tc, polling);
    tcase_add_test(tc, abandoned);
    tcase_add_test(tc, bounds);
    suite_add_tcase(s, tc);
    tc = tcase_create("lazy");
    tcase_add_test(tc, answers_unchanged);
    tcase_add_test(tc, costs_what_it_holds);
    tcase_add_test(tc, details_of_the_latest_merchants);
    tcase_add_test(tc, order_index_follows_the_ring);
    suite_add_tcase(s, tc);
    return s;
}
