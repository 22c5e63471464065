/*
 * check_main.c - shared main() for every Check test program.
 *
 * Each test source exports one suite constructor; CMake names it through
 * UPAY_SUITE_FN (make_<module>_suite). CK_RUN_CASE, set by CTest, picks the
 * single TCase to run so each case is its own CTest.
 */
#include <check.h>
#include <stdlib.h>

Suite *UPAY_SUITE_FN(void);

int main(void)
{
    SRunner *runner = srunner_create(UPAY_SUITE_FN());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
