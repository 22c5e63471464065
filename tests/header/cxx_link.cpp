// cxx_link.cpp - a C++ program using libupay through upay.h: proves the
// headers' extern "C" linkage and that the shared library links from C++.
#include <cstdio>
#include <upay.h>

int main()
{
    upay_client *client = upay_client_new();
    if (!client)
        return 1;
    int bad = upay_client_set_url(client, "http://127.0.0.1:1") != UPAY_OK;
    upay_flow_options opts;
    upay_flow_options_init(&opts);
    bad |= opts.poll_interval != 5 || opts.deadline != 60;
    bad |= upay_code_is_uncertain(UPAY_E_NO_ANSWER) != 1;
    std::printf("%s\n", upay_flow_outcome_name(UPAY_FLOW_PAID));
    upay_client_free(client);
    return bad;
}
