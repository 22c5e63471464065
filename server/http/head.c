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

/* "Date: ...\r\n" of this second, formatted when this thread's second changes. */
static const char *date_line(size_t *len)
{
    static _Thread_local time_t second = -1;
    static _Thread_local char line[48];
    static _Thread_local size_t line_len;
    time_t now = time(NULL);
    if (now != second) {
        struct tm tm;
        line_len = strftime(line, sizeof line, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n",
                            gmtime_r(&now, &tm));
        second = now;
    }
    *len = line_len;
    return line;
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
    size_t date_len;
    const char *date = date_line(&date_len);
    put(&o, date, date_len);
    put(&o, "Connection: ", 12);
    put_str(&o, h->connection);
    put(&o, "\r\n\r\n", 4);
    return o.full ? 0 : (size_t)(o.at - buf);
}
