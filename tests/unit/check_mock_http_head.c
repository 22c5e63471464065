/*
 * check_mock_http_head.c - the head of a keep-alive answer
 * (server/http/head.c) is the bytes snprintf and strftime made before it:
 * each case builds the expected head with them, around the same second.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/head.h"

/* The head as send_reply formatted it before head.c, for the second `now`. */
static size_t expected(const mock_http_head *h, time_t now, char *out, size_t room)
{
    char date[40];
    struct tm tm;
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
    int n = snprintf(out, room,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\n%s%s%s%s%s%sDate: %s\r\nConnection: %s\r\n\r\n",
                     h->status, h->reason, h->content_type, h->content_length,
                     h->allow ? "Allow: " : "", h->allow ? h->allow : "", h->allow ? "\r\n" : "",
                     h->detail && h->detail[0] ? MOCK_DETAIL_HEADER ": " : "",
                     h->detail ? h->detail : "", h->detail && h->detail[0] ? "\r\n" : "", date,
                     h->connection);
    return (size_t)n;
}

static const mock_http_head heads[] = {
    {200, "OK", "application/json; charset=utf-8", 595, NULL, "", "keep-alive"},
    {405, "Method Not Allowed", "application/json; charset=utf-8", 55, "POST", "", "close"},
    {200, "OK", "text/html", 0, NULL, "agent error: unknown agent_id", "keep-alive"},
    {503, "Service Unavailable", "text/plain", 1234567890, "GET, POST", "x", "keep-alive"},
};

START_TEST(same_bytes)
{
    const mock_http_head *h = &heads[_i];
    char got[1024], want[1024];
    for (int attempt = 0; attempt < 3; attempt++) { /* again if the second turned */
        time_t before = time(NULL);
        size_t n = mock_http_head_write(h, got, sizeof got);
        size_t m = expected(h, before, want, sizeof want);
        if (time(NULL) != before)
            continue;
        ck_assert_uint_eq(n, m);
        ck_assert_int_eq(memcmp(got, want, n), 0);
        /* one byte short: nothing fits, 0 */
        ck_assert_uint_eq(mock_http_head_write(h, got, n - 1), 0);
        ck_assert_uint_eq(mock_http_head_write(h, got, n), n);
        return;
    }
    ck_abort_msg("the clock turned a second three times in a row");
}
END_TEST

Suite *make_mock_http_head_suite(void)
{
    Suite *s = suite_create("mock_http_head");
    TCase *tc = tcase_create("head");
    tcase_add_loop_test(tc, same_bytes, 0, (int)(sizeof heads / sizeof heads[0]));
    suite_add_tcase(s, tc);
    return s;
}
