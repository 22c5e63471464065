/*
 * head.c - the head of a keep-alive answer (see head.h): the same bytes
 * snprintf and strftime made before, by appends. It runs once per answer.
 */
#include "http/head.h"

#include <string.h>
#include <time.h>

typedef struct out {
    char *at;
    char *end;
    int full;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->full || (size_t)(o->end - o->at) < n) {
        o->full = 1;
        return;
    }
    memcpy(o->at, s, n);
    o->at += n;
}

static void put_str(out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* `v` in decimal, as "%zu" (or "%d" for a non-negative int) writes it. */
static void put_num(out *o, size_t v)
{
    char buf[24], *p = buf + sizeof buf;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put(o, p, (size_t)(buf + sizeof buf - p));
}

/* Two digits of `v` (0-99) at `p`. */
static void two(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/*
 * "Date: Mon, 30 Nov 2026 05:12:10 GMT\r\n", as strftime's
 * "%a, %d %b %Y %H:%M:%S GMT" wrote it (names in English whatever the
 * locale). Per thread caching would cost a page of TLS in each of the 384
 * workers; gmtime_r alone is cheap. Returns its length (37).
 */
static size_t date_line(char line[40])
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm))
        memset(&tm, 0, sizeof tm);
    int year = tm.tm_year + 1900;
    if (year < 0 || year > 9999)
        year = 1970; /* never: the clock says 4 digits */
    memcpy(line, "Date: ", 6);
    memcpy(line + 6, days + 3 * (tm.tm_wday % 7), 3);
    memcpy(line + 9, ", ", 2);
    two(line + 11, tm.tm_mday);
    line[13] = ' ';
    memcpy(line + 14, months + 3 * (tm.tm_mon % 12), 3);
    line[17] = ' ';
    two(line + 18, year / 100);
    two(line + 20, year % 100);
    line[22] = ' ';
    two(line + 23, tm.tm_hour);
    line[25] = ':';
    two(line + 26, tm.tm_min);
    line[28] = ':';
    two(line + 29, tm.tm_sec);
    memcpy(line + 31, " GMT\r\n", 6);
    return 37;
}

size_t mock_http_head_write(const mock_http_head *h, char *buf, size_t room)
{
    out o = {buf, buf + room, 0};
    put(&o, "HTTP/1.1 ", 9);
    put_num(&o, (size_t)h->status); /* 100-599: the gateway's and admin's own */
    put(&o, " ", 1);
    put_str(&o, h->reason);
    put(&o, "\r\nContent-Type: ", 16);
    put_str(&o, h->content_type);
    put(&o, "\r\nContent-Length: ", 18);
    put_num(&o, h->content_length);
    put(&o, "\r\nCache-Control: no-store\r\n", 27);
    if (h->allow) {
        put(&o, "Allow: ", 7);
        put_str(&o, h->allow);
        put(&o, "\r\n", 2);
    }
    if (h->detail && h->detail[0]) {
        put_str(&o, MOCK_DETAIL_HEADER ": ");
        put_str(&o, h->detail);
        put(&o, "\r\n", 2);
    }
    char date[40];
    put(&o, date, date_line(date));
    put(&o, "Connection: ", 12);
    put_str(&o, h->connection);
    put(&o, "\r\n\r\n", 4);
    return o.full ? 0 : (size_t)(o.at - buf);
}
