/*
 * check_refund_list.c - the refund_list codec: the seed's refundquery
 * example, malformed lists with their exact errors, encoding order and
 * omissions, round trip.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "upay/refund_list.h"

/* refund_list of the refundquery response example in the API pages. */
static const char seed_list[] =
    "[{\"serial_no\":\"0\",\"refund_id\":\"199520175115201706224212715917\","
    "\"out_refund_id\":\"50000203302017062201274913961\","
    "\"out_refund_no\":\"TK-1498125915060-0.02\",\"refund_channel\":\"ORIGINAL\","
    "\"refund_fee\":\"2\",\"refund_status\":\"SUCCESS\",\"refund_time\":\"20170622182219\"},"
    "{\"serial_no\":\"1\",\"refund_id\":\"199520175115201706226290021966\","
    "\"out_refund_id\":\"50000203302017062201275383549\","
    "\"out_refund_no\":\"TK-1498125915060-0.01-1\",\"refund_channel\":\"ORIGINAL\","
    "\"refund_fee\":\"1\",\"refund_status\":\"SUCCESS\",\"refund_time\":\"20170622181822\"}]";

static int entries_equal(const upay_refund_entry *a, const upay_refund_entry *b)
{
    return a->serial_no == b->serial_no && strcmp(a->refund_id, b->refund_id) == 0
           && strcmp(a->out_refund_id, b->out_refund_id) == 0
           && strcmp(a->out_refund_no, b->out_refund_no) == 0
           && strcmp(a->refund_channel, b->refund_channel) == 0
           && a->refund_fee == b->refund_fee && a->refund_status == b->refund_status
           && strcmp(a->refund_time, b->refund_time) == 0
           && a->coupon_refund_fee == b->coupon_refund_fee;
}

START_TEST(test_seed_example)
{
    upay_refund_entry *items = NULL;
    size_t n = 0;
    upay_error err;
    ck_assert_int_eq(upay_refund_list_parse(seed_list, &items, &n, &err), UPAY_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(items[0].serial_no, 0);
    ck_assert_str_eq(items[0].refund_id, "199520175115201706224212715917");
    ck_assert_str_eq(items[0].out_refund_id, "50000203302017062201274913961");
    ck_assert_str_eq(items[0].out_refund_no, "TK-1498125915060-0.02");
    ck_assert_str_eq(items[0].refund_channel, "ORIGINAL");
    ck_assert_int_eq(items[0].refund_fee, 2);
    ck_assert_int_eq(items[0].refund_status, UPAY_REFUND_SUCCESS);
    ck_assert_str_eq(items[0].refund_time, "20170622182219");
    ck_assert_int_eq(items[0].coupon_refund_fee, 0);
    ck_assert_uint_eq(items[1].serial_no, 1);
    ck_assert_str_eq(items[1].out_refund_no, "TK-1498125915060-0.01-1");
    ck_assert_int_eq(items[1].refund_fee, 1);

    /* Encoding gives the seed back, with coupon_refund_fee (always
     * written) after the fields the seed has. */
    char *s = NULL;
    ck_assert_int_eq(upay_refund_list_encode(items, n, &s), UPAY_OK);
    char want[sizeof seed_list + 64];
    const char *split = strstr(seed_list, "},{");
    size_t first = (size_t)(split - seed_list);
    memcpy(want, seed_list, first);
    strcpy(want + first, ",\"coupon_refund_fee\":\"0\"},{");
    strcat(want, split + 3);
    want[strlen(want) - 2] = '\0'; /* drop the final "}]" */
    strcat(want, ",\"coupon_refund_fee\":\"0\"}]");
    ck_assert_str_eq(s, want);

    upay_refund_entry *again = NULL;
    size_t n2 = 0;
    ck_assert_int_eq(upay_refund_list_parse(s, &again, &n2, NULL), UPAY_OK);
    ck_assert_uint_eq(n2, n);
    for (size_t i = 0; i < n; i++)
        ck_assert(entries_equal(&items[i], &again[i]));
    upay_free(s);
    upay_free(items);
    upay_free(again);
}
END_TEST

/* A valid item with one field replaced, for the malformed cases. */
#define ITEM(extra) "{\"serial_no\":\"0\",\"refund_id\":\"R1\",\"out_refund_no\":\"N1\"," \
                    "\"refund_fee\":\"5\",\"refund_status\":\"SUCCESS\"" extra "}"

struct bad_case {
    const char *text;
    upay_code code;
    const char *needle; /* expected in the message, or NULL */
};

static const struct bad_case bad_cases[] = {
    {"", UPAY_E_REFUND_LIST_SYNTAX, NULL},
    {"not json", UPAY_E_REFUND_LIST_SYNTAX, NULL},
    {"[{\"serial_no\":\"0\"", UPAY_E_REFUND_LIST_SYNTAX, NULL},
    {"[] []", UPAY_E_REFUND_LIST_SYNTAX, NULL},
    {"[\"\xC3\"]", UPAY_E_REFUND_LIST_SYNTAX, NULL},
    {"{}", UPAY_E_REFUND_LIST_NOT_ARRAY, NULL},
    {"\"[]\"", UPAY_E_REFUND_LIST_NOT_ARRAY, NULL},
    {"[\"x\"]", UPAY_E_REFUND_LIST_ITEM, "item 0"},
    {"[" ITEM("") ",[]]", UPAY_E_REFUND_LIST_ITEM, "item 1"},
    {"[" ITEM(",\"coupon_refund_fee\":0") "]", UPAY_E_REFUND_LIST_ITEM, "coupon_refund_fee"},
    {"[" ITEM(",\"refund_fee\":\"6\"") "]", UPAY_E_REFUND_LIST_ITEM, "appears twice"},
    {"[{\"serial_no\":\"0\",\"out_refund_no\":\"N1\",\"refund_fee\":\"5\","
     "\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD, "refund_id"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"\",\"out_refund_no\":\"N1\",\"refund_fee\":\"5\","
     "\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD, "refund_id"},
    {"[{\"refund_id\":\"R\",\"out_refund_no\":\"N1\",\"refund_fee\":\"5\","
     "\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD, "serial_no"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"R\",\"out_refund_no\":\"N1\","
     "\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD, "refund_fee"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"R\",\"out_refund_no\":\"N1\","
     "\"refund_fee\":\"1.5\",\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD,
     "refund_fee"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"R\",\"out_refund_no\":\"N1\","
     "\"refund_fee\":\"-1\",\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD,
     "refund_fee"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"R\",\"out_refund_no\":\"N1\","
     "\"refund_fee\":\"5\",\"refund_status\":\"DONE\"}]", UPAY_E_REFUND_LIST_FIELD,
     "refund_status"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"R\",\"out_refund_no\":\"N1\","
     "\"refund_fee\":\"5\",\"refund_status\":\"success\"}]", UPAY_E_REFUND_LIST_FIELD,
     "refund_status"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"R\",\"out_refund_no\":\"N1\","
     "\"refund_fee\":\"5\"}]", UPAY_E_REFUND_LIST_FIELD, "refund_status"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"R\","
     "\"out_refund_no\":\"123456789012345678901234567890123\","
     "\"refund_fee\":\"5\",\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD,
     "out_refund_no"},
    {"[" ITEM(",\"refund_channel\":\"ORIGINAL-ORIGINAL\"") "]", UPAY_E_REFUND_LIST_FIELD,
     "refund_channel"},
    {"[" ITEM(",\"refund_time\":\"20170230120000\"") "]", UPAY_E_REFUND_LIST_FIELD,
     "refund_time"},
    {"[" ITEM(",\"refund_time\":\"2017-02-30 12:00:00\"") "]", UPAY_E_REFUND_LIST_FIELD,
     "refund_time"},
    {"[" ITEM(",\"refund_time\":\"2017-06-22T18:22:19\"") "]", UPAY_E_REFUND_LIST_FIELD,
     "refund_time"},
    {"[" ITEM(",\"coupon_refund_fee\":\"6\"") "]", UPAY_E_REFUND_LIST_FIELD,
     "coupon_refund_fee"},
    {"[{\"serial_no\":\"x\",\"refund_id\":\"R\",\"out_refund_no\":\"N1\","
     "\"refund_fee\":\"5\",\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD,
     "serial_no"},
    {"[{\"serial_no\":\"4294967296\",\"refund_id\":\"R\",\"out_refund_no\":\"N1\","
     "\"refund_fee\":\"5\",\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD,
     "serial_no"},
    {"[{\"serial_no\":\"0\",\"refund_id\":\"R 1\",\"out_refund_no\":\"N1\","
     "\"refund_fee\":\"5\",\"refund_status\":\"SUCCESS\"}]", UPAY_E_REFUND_LIST_FIELD,
     "refund_id"},
};

START_TEST(test_bad)
{
    const struct bad_case *c = &bad_cases[_i];
    upay_refund_entry *items = (upay_refund_entry *)1;
    size_t n = 99;
    upay_error err;
    memset(&err, 0, sizeof err);
    upay_code rc = upay_refund_list_parse(c->text, &items, &n, &err);
    ck_assert_msg(rc == c->code, "case %d: got %d (%s), want %d", _i, rc, err.message, c->code);
    ck_assert_ptr_null(items);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(err.code, c->code);
    if (c->needle != NULL)
        ck_assert_msg(strstr(err.message, c->needle) != NULL, "case %d: \"%s\" lacks %s", _i,
                      err.message, c->needle);
}
END_TEST

START_TEST(test_live_layout)
{
    /* The live refundquery example: dashed refund_time and fields the seed lacks. */
    static const char live[] =
        "[{\"serial_no\":\"0\",\"refund_id\":\"R1\",\"out_refund_id\":\"W1\","
        "\"out_refund_no\":\"TKT0020190524102840000\",\"refund_channel\":\"ORIGINAL\","
        "\"refund_fee\":\"1\",\"base_refund_fee\":\"1\",\"coupon_refund_fee\":\"0\","
        "\"refund_status\":\"SUCCESS\",\"refund_time\":\"2019-05-24 11:11:33\"}]";
    upay_refund_entry *items = NULL;
    size_t n = 0;
    ck_assert_int_eq(upay_refund_list_parse(live, &items, &n, NULL), UPAY_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(items[0].refund_time, "20190524111133");
    ck_assert_str_eq(items[0].out_refund_no, "TKT0020190524102840000");
    ck_assert_int_eq(items[0].refund_status, UPAY_REFUND_SUCCESS);
    upay_free(items);
}
END_TEST

START_TEST(test_empty_and_args)
{
    upay_refund_entry *items = (upay_refund_entry *)1;
    size_t n = 9;
    ck_assert_int_eq(upay_refund_list_parse(" [ ] ", &items, &n, NULL), UPAY_OK);
    ck_assert_ptr_null(items);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(upay_refund_list_parse(NULL, &items, &n, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_refund_list_parse("[]", NULL, &n, NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_refund_list_parse("[]", &items, NULL, NULL), UPAY_E_INVALID_ARG);

    char *s = NULL;
    ck_assert_int_eq(upay_refund_list_encode(NULL, 0, &s), UPAY_OK);
    ck_assert_str_eq(s, "[]");
    upay_free(s);
    ck_assert_int_eq(upay_refund_list_encode(NULL, 1, &s), UPAY_E_INVALID_ARG);
    upay_refund_entry e;
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(upay_refund_list_encode(&e, 1, NULL), UPAY_E_INVALID_ARG);
    e.refund_status = (upay_refund_status)9;
    ck_assert_int_eq(upay_refund_list_encode(&e, 1, &s), UPAY_E_INVALID_ARG);
    e.refund_status = UPAY_REFUND_FAIL;
    e.refund_fee = -1;
    ck_assert_int_eq(upay_refund_list_encode(&e, 1, &s), UPAY_E_INVALID_ARG);
    e.refund_fee = 1;
    memset(e.out_refund_no, 'x', sizeof e.out_refund_no); /* not terminated */
    ck_assert_int_eq(upay_refund_list_encode(&e, 1, &s), UPAY_E_INVALID_ARG);
}
END_TEST

START_TEST(test_encode_order)
{
    upay_refund_entry e;
    memset(&e, 0, sizeof e);
    e.serial_no = 3;
    strcpy(e.refund_id, "R9");
    strcpy(e.out_refund_no, "N-9");
    e.refund_fee = 100;
    e.refund_status = UPAY_REFUND_NOTSURE;
    e.coupon_refund_fee = 20;
    char *s = NULL;
    ck_assert_int_eq(upay_refund_list_encode(&e, 1, &s), UPAY_OK);
    ck_assert_str_eq(s, "[{\"serial_no\":\"3\",\"refund_id\":\"R9\",\"out_refund_no\":\"N-9\","
                        "\"refund_fee\":\"100\",\"refund_status\":\"NOTSURE\","
                        "\"coupon_refund_fee\":\"20\"}]");
    upay_free(s);
}
END_TEST

START_TEST(test_round_trip)
{
    static const upay_refund_status st[] = {UPAY_REFUND_SUCCESS, UPAY_REFUND_FAIL,
                                            UPAY_REFUND_PROCESSING, UPAY_REFUND_NOTSURE,
                                            UPAY_REFUND_CHANGE};
    upay_refund_entry in[5];
    memset(in, 0, sizeof in);
    for (unsigned i = 0; i < 5; i++) {
        in[i].serial_no = i;
        memset(in[i].refund_id, '0' + (int)i, 64);                /* longest */
        memset(in[i].out_refund_no, 'a' + (int)i, 32);            /* longest */
        if (i % 2)
            strcpy(in[i].out_refund_id, "W1");
        if (i != 2)
            strcpy(in[i].refund_channel, "ORIGINAL");
        if (i != 3)
            strcpy(in[i].refund_time, "20991231235959");
        in[i].refund_fee = i == 4 ? 1000000000000LL : (long long)i + 1;
        in[i].coupon_refund_fee = i == 1 ? 2 : 0;
        in[i].refund_status = st[i];
    }
    char *s = NULL;
    ck_assert_int_eq(upay_refund_list_encode(in, 5, &s), UPAY_OK);
    upay_refund_entry *out = NULL;
    size_t n = 0;
    upay_error err;
    ck_assert_msg(upay_refund_list_parse(s, &out, &n, &err) == UPAY_OK, "%s", err.message);
    ck_assert_uint_eq(n, 5);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(entries_equal(&in[i], &out[i]), "entry %zu differs", i);
    upay_free(s);
    upay_free(out);
}
END_TEST

START_TEST(test_status_names)
{
    static const char *const names[] = {"SUCCESS", "FAIL", "PROCESSING", "NOTSURE", "CHANGE"};
    for (int i = 0; i < 5; i++) {
        upay_refund_status s = (upay_refund_status)99;
        ck_assert_str_eq(upay_refund_status_name((upay_refund_status)i), names[i]);
        ck_assert_int_eq(upay_refund_status_parse(names[i], &s), UPAY_OK);
        ck_assert_int_eq(s, i);
    }
    upay_refund_status s = UPAY_REFUND_CHANGE;
    ck_assert_int_eq(upay_refund_status_parse("Success", &s), UPAY_E_REFUND_LIST_FIELD);
    ck_assert_int_eq(upay_refund_status_parse("", &s), UPAY_E_REFUND_LIST_FIELD);
    ck_assert_int_eq(upay_refund_status_parse(NULL, &s), UPAY_E_REFUND_LIST_FIELD);
    ck_assert_int_eq(s, UPAY_REFUND_CHANGE);
    ck_assert_str_eq(upay_refund_status_name((upay_refund_status)5), "");
}
END_TEST

Suite *make_refund_list_suite(void)
{
    Suite *s = suite_create("refund_list");
    TCase *tc = tcase_create("seed");
    tcase_add_test(tc, test_seed_example);
    suite_add_tcase(s, tc);
    tc = tcase_create("malformed");
    tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_empty_and_args);
    tcase_add_test(tc, test_live_layout);
    suite_add_tcase(s, tc);
    tc = tcase_create("codec");
    tcase_add_test(tc, test_encode_order);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_status_names);
    suite_add_tcase(s, tc);
    return s;
}
