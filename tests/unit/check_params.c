/*
 * check_params.c - the ordered parameter set: order, uniqueness, copies,
 * replacement in place, removal, deep copy, and many names (the index).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "upay/params.h"

START_TEST(test_order_and_get)
{
    upay_params *p = upay_params_new();
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(upay_params_set(p, "b", "2"), UPAY_OK);
    ck_assert_int_eq(upay_params_add(p, "a", "1"), UPAY_OK);
    ck_assert_int_eq(upay_params_set(p, "c", ""), UPAY_OK);
    ck_assert_uint_eq(upay_params_count(p), 3);
    ck_assert_str_eq(upay_params_name_at(p, 0), "b");
    ck_assert_str_eq(upay_params_name_at(p, 1), "a");
    ck_assert_str_eq(upay_params_value_at(p, 2), "");
    ck_assert_ptr_null(upay_params_name_at(p, 3));
    ck_assert_ptr_null(upay_params_value_at(p, 3));
    ck_assert_str_eq(upay_params_get(p, "a"), "1");
    ck_assert_ptr_null(upay_params_get(p, "A"));
    ck_assert_ptr_null(upay_params_get(p, "zz"));
    upay_params_free(p);
}
END_TEST

START_TEST(test_set_replaces_in_place)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "a", "1");
    upay_params_set(p, "b", "2");
    ck_assert_int_eq(upay_params_set(p, "a", "3"), UPAY_OK);
    ck_assert_uint_eq(upay_params_count(p), 2);
    ck_assert_str_eq(upay_params_name_at(p, 0), "a");
    ck_assert_str_eq(upay_params_get(p, "a"), "3");
    /* Aliasing: set a name to its own value and through its own name. */
    ck_assert_int_eq(upay_params_set(p, upay_params_name_at(p, 1), upay_params_get(p, "b")),
                     UPAY_OK);
    ck_assert_str_eq(upay_params_get(p, "b"), "2");
    upay_params_free(p);
}
END_TEST

START_TEST(test_add_refuses_duplicate)
{
    upay_params *p = upay_params_new();
    ck_assert_int_eq(upay_params_add(p, "a", "1"), UPAY_OK);
    ck_assert_int_eq(upay_params_add(p, "a", "2"), UPAY_E_FORM_DUPLICATE);
    ck_assert_str_eq(upay_params_get(p, "a"), "1");
    ck_assert_uint_eq(upay_params_count(p), 1);
    upay_params_free(p);
}
END_TEST

START_TEST(test_copies_strings)
{
    char name[8] = "key", value[8] = "val";
    upay_params *p = upay_params_new();
    upay_params_set(p, name, value);
    strcpy(name, "xxx");
    strcpy(value, "yyy");
    ck_assert_str_eq(upay_params_get(p, "key"), "val");
    upay_params_free(p);
}
END_TEST

START_TEST(test_remove)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "a", "1");
    upay_params_set(p, "b", "2");
    upay_params_set(p, "c", "3");
    ck_assert_int_eq(upay_params_remove(p, "b"), 1);
    ck_assert_int_eq(upay_params_remove(p, "b"), 0);
    ck_assert_uint_eq(upay_params_count(p), 2);
    ck_assert_str_eq(upay_params_name_at(p, 1), "c");
    ck_assert_str_eq(upay_params_get(p, "c"), "3");
    upay_params_free(p);
}
END_TEST

START_TEST(test_dup_is_deep)
{
    upay_params *p = upay_params_new();
    upay_params_set(p, "a", "1");
    upay_params_set(p, "b", "2");
    upay_params *d = upay_params_dup(p);
    ck_assert_ptr_nonnull(d);
    upay_params_set(p, "a", "changed");
    upay_params_free(p);
    ck_assert_uint_eq(upay_params_count(d), 2);
    ck_assert_str_eq(upay_params_get(d, "a"), "1");
    ck_assert_str_eq(upay_params_name_at(d, 1), "b");
    upay_params_free(d);
    ck_assert_ptr_null(upay_params_dup(NULL));
}
END_TEST

START_TEST(test_bad_arguments)
{
    upay_params *p = upay_params_new();
    ck_assert_int_eq(upay_params_set(NULL, "a", "1"), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_params_set(p, NULL, "1"), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_params_set(p, "a", NULL), UPAY_E_INVALID_ARG);
    ck_assert_int_eq(upay_params_add(p, NULL, "1"), UPAY_E_INVALID_ARG);
    ck_assert_ptr_null(upay_params_get(p, NULL));
    ck_assert_ptr_null(upay_params_get(NULL, "a"));
    ck_assert_int_eq(upay_params_remove(NULL, "a"), 0);
    ck_assert_uint_eq(upay_params_count(NULL), 0);
    upay_params_free(p);
    upay_params_free(NULL);
}
END_TEST

/* Enough names to use the hash index; removal and re-adding keep it right. */
/* Values from small to far past the set's arena, replaced over and over,
 * removed, copied and set from their own storage: each reads back whole. */
START_TEST(test_values_of_every_size)
{
    upay_params *p = upay_params_new();
    char name[16], value[3000];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            size_t len = (size_t)(i * 71 + round * 13) % sizeof value;
            memset(value, 'a' + i % 26, len);
            value[len] = '\0';
            snprintf(name, sizeof name, "n%d", i);
            ck_assert_int_eq(upay_params_set(p, name, value), UPAY_OK);
            ck_assert_str_eq(upay_params_get(p, name), value);
        }
    }
    ck_assert_int_eq(upay_params_set(p, "n3", upay_params_get(p, "n3") + 1), UPAY_OK);
    ck_assert_int_eq(upay_params_remove(p, "n0"), 1);
    ck_assert_int_eq(upay_params_remove(p, "n39"), 1);
    upay_params *d = upay_params_dup(p);
    upay_params_free(p);
    ck_assert_uint_eq(upay_params_count(d), 38);
    for (int i = 1; i < 39; i++) {
        size_t len = (size_t)(i * 71 + 2 * 13) % sizeof value - (i == 3 ? 1 : 0);
        snprintf(name, sizeof name, "n%d", i);
        const char *v = upay_params_get(d, name);
        ck_assert_ptr_nonnull(v);
        ck_assert_uint_eq(strlen(v), len);
        ck_assert_int_eq(v[len ? len - 1 : 0], len ? 'a' + i % 26 : '\0');
    }
    upay_params_free(d);
}
END_TEST

START_TEST(test_many_names)
{
    enum { N = 1000 };
    char name[16], value[16];
    upay_params *p = upay_params_new();
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "n%d", i);
        snprintf(value, sizeof value, "v%d", i);
        ck_assert_int_eq(upay_params_add(p, name, value), UPAY_OK);
    }
    ck_assert_int_eq(upay_params_add(p, "n500", "x"), UPAY_E_FORM_DUPLICATE);
    for (int i = 0; i < N; i += 2) {
        snprintf(name, sizeof name, "n%d", i);
        ck_assert_int_eq(upay_params_remove(p, name), 1);
    }
    ck_assert_uint_eq(upay_params_count(p), N / 2);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "n%d", i);
        snprintf(value, sizeof value, "v%d", i);
        if (i % 2 == 0)
            ck_assert_ptr_null(upay_params_get(p, name));
        else
            ck_assert_str_eq(upay_params_get(p, name), value);
    }
    ck_assert_str_eq(upay_params_name_at(p, 0), "n1");
    ck_assert_int_eq(upay_params_add(p, "n0", "again"), UPAY_OK);
    ck_assert_str_eq(upay_params_get(p, "n0"), "again");
    ck_assert_str_eq(upay_params_name_at(p, N / 2), "n0");
    upay_params_free(p);
}
END_TEST

Suite *make_params_suite(void)
{
    Suite *s = suite_create("params");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_order_and_get);
    tcase_add_test(tc, test_set_replaces_in_place);
    tcase_add_test(tc, test_add_refuses_duplicate);
    tcase_add_test(tc, test_copies_strings);
    tcase_add_test(tc, test_remove);
    tcase_add_test(tc, test_dup_is_deep);
    tcase_add_test(tc, test_values_of_every_size);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    tc = tcase_create("many");
    tcase_add_test(tc, test_many_names);
    suite_add_tcase(s, tc);
    return s;
}
