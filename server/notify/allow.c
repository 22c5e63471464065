/*
 * server/notify/allow.c - the hosts notifications may go to (see allow.h).
 */
#include "notify/allow.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_port(const char *s, size_t len)
{
    if (len == 0 || len > 5)
        return -1;
    int port = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        port = port * 10 + (s[i] - '0');
    }
    return port >= 1 && port <= 65535 ? port : -1;
}

/* Split "host[:port]" of `len` bytes; brackets around an IPv6 literal are removed. */
static int split_host(const char *s, size_t len, char host[MOCK_HOST_MAX], int *port)
{
    const char *colon = NULL;
    size_t hlen = len;
    int bracketed = len && s[0] == '[';
    if (bracketed) {
        const char *close = memchr(s, ']', len);
        if (!close)
            return -1;
        hlen = (size_t)(close - s) - 1;
        s++;
        len--;
        if ((size_t)(close - s) + 1 < len) {
            if (close[1] != ':')
                return -1;
            colon = close + 1;
        }
    } else {
        colon = memchr(s, ':', len);
        if (colon)
            hlen = (size_t)(colon - s);
    }
    if (hlen == 0 || hlen >= MOCK_HOST_MAX)
        return -1;
    for (size_t i = 0; i < hlen; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!isalnum(ch) && !strchr(".-_", ch) && !(ch == ':' && bracketed))
            return -1;   /* a host name, an IPv4 or (in brackets) IPv6 address */
        host[i] = (char)tolower(ch);
    }
    host[hlen] = '\0';
    *port = 0;
    if (colon) {
        const char *end = s + len;
        *port = parse_port(colon + 1, (size_t)(end - colon - 1));
        if (*port < 0)
            return -1;
    }
    return 0;
}

int mock_allow_parse(mock_allow *a, const char *spec, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    const char *p = spec ? spec : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len) {
            if (a->count == MOCK_ALLOW_MAX) {
                snprintf(err, errlen, "--notify-allow takes at most %d hosts", MOCK_ALLOW_MAX);
                return -1;
            }
            if (split_host(p, len, a->entry[a->count].host, &a->entry[a->count].port) != 0) {
                snprintf(err, errlen, "--notify-allow wants HOST or HOST:PORT, not \"%.*s\"",
                         (int)(len > 60 ? 60 : len), p);
                return -1;
            }
            a->count++;
        }
        p += len + (end ? 1 : 0);
    }
    return 0;
}

int mock_url_parse(const char *url, mock_url *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (strncmp(url, "https://", 8) == 0) {
        snprintf(why, whylen, "the mock sends notifications over http:// only (it has no TLS "
                              "client); use an http:// notify_url");
        return -1;
    }
    if (strncmp(url, "http://", 7) != 0) {
        snprintf(why, whylen, "notify_url must start with http://");
        return -1;
    }
    const char *auth = url + 7;
    const char *slash = strchr(auth, '/');
    size_t len = slash ? (size_t)(slash - auth) : strlen(auth);
    if (split_host(auth, len, out->host, &out->port) != 0) {
        snprintf(why, whylen, "notify_url has no usable host[:port]");
        return -1;
    }
    if (!out->port)
        out->port = 80;
    out->path = slash ? slash : "/";
    return 0;
}

static int loopback(const char *host)
{
    if (strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0)
        return 1;
    unsigned a, b, c, d;
    char extra;
    return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a == 127 && b < 256
           && c < 256 && d < 256;
}

int mock_allow_url(const mock_allow *a, const char *url, char *why, size_t whylen)
{
    mock_url u;
    if (mock_url_parse(url, &u, why, whylen) != 0)
        return 0;
    if (loopback(u.host))
        return 1;
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->entry[i].host, u.host) == 0 && (!a->entry[i].port || a->entry[i].port == u.port))
            return 1;
    snprintf(why, whylen, "the mock does not send notifications to %.100s:%d (loopback only; "
                          "add it with --notify-allow HOST[:PORT])", u.host, u.port);
    return 0;
}
