/* uses_upay.c - an integrator's program built against the installed libupay:
 * signs the seed pay example and checks the MD5 from sign-vectors.json. */
#include <stdio.h>
#include <string.h>
#include <upay.h>

int main(void)
{
    upay_params *p = upay_params_new();
    char sign[UPAY_SIGN_BUF_SIZE];
    const char *pairs[][2] = {
        {"method", "pay"}, {"agent_id", "13000000000000001"}, {"mch_id", "00000001"},
        {"version", "1.0"}, {"pid", "yunpos"}, {"out_trade_no", "1497769914931"},
        {"auth_code", "123123123"}, {"body", "\xe8\xb6\x85\xe8\xb5\xa2\xe6\x94\xaf\xe4\xbb\x98"},
        {"total_fee", "1"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        upay_params_set(p, pairs[i][0], pairs[i][1]);
    upay_code rc = upay_sign_compute(p, "UPAYMOCK000000000000000000000001", UPAY_SIGN_MD5, sign);
    upay_params_free(p);
    if (rc != UPAY_OK || strcmp(sign, "2AE43DF3615C6E814738F1885A727A82") != 0) {
        fprintf(stderr, "uses_upay: got %s (%s)\n", sign, upay_strerror(rc));
        return 1;
    }
    puts("uses_upay: signed with the installed libupay");
    return 0;
}
