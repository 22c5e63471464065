/*
 * server/notify/allow.h - where the mock may send notifications: loopback
 * hosts always, and the HOST[:PORT] entries of --notify-allow. A
 * notify_url anywhere else is refused when the pre-order is made, so the
 * mock never posts to a host its operator did not name.
 */
#ifndef UPAY_MOCK_NOTIFY_ALLOW_H
#define UPAY_MOCK_NOTIFY_ALLOW_H

#include <stddef.h>

#define MOCK_ALLOW_MAX 16          /* entries of --notify-allow */
#define MOCK_HOST_MAX 128          /* bytes of a host name */

typedef struct mock_allow {
    size_t count;
    struct {
        char host[MOCK_HOST_MAX];  /* lower case */
        int port;                  /* 0: any port */
    } entry[MOCK_ALLOW_MAX];
} mock_allow;

/* The parts of an http:// URL. */
typedef struct mock_url {
    char host[MOCK_HOST_MAX];      /* as written, brackets of an IPv6 literal removed */
    int port;                      /* the given port, else 80 */
    const char *path;              /* borrowed from the URL: "/..." ("/" when none) */
} mock_url;

/*
 * Parse `spec`: entries HOST or HOST:PORT separated by commas (NULL or ""
 * = none). Returns 0, or -1 with a sentence in `err`.
 */
int mock_allow_parse(mock_allow *a, const char *spec, char *err, size_t errlen);

/*
 * Split an http:// URL. Returns 0, or -1 with a sentence in `why` (an
 * https:// URL, which the mock cannot send to, is one).
 */
int mock_url_parse(const char *url, mock_url *out, char *why, size_t whylen);

/*
 * Nonzero when the mock may post to `url`: an http:// URL whose host is
 * loopback (localhost, 127.x.x.x, ::1) or matches an entry of `a`. Else 0
 * with the reason in `why`.
 */
int mock_allow_url(const mock_allow *a, const char *url, char *why, size_t whylen);

#endif /* UPAY_MOCK_NOTIFY_ALLOW_H */
