/*
 * suite/util.c - string buffer, file reading and glob helpers (see util.h).
 */
#include "util.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int buf_reserve(suite_buf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void suite_buf_append(suite_buf *b, const char *s, size_t n)
{
    if (!s || !buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void suite_buf_puts(suite_buf *b, const char *s)
{
    if (s)
        suite_buf_append(b, s, strlen(s));
}

void suite_buf_vprintf(suite_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void suite_buf_printf(suite_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    suite_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *suite_buf_str(const suite_buf *b)
{
    return b->data ? b->data : "";
}

char *suite_buf_take(suite_buf *b)
{
    char *s = NULL;
    if (!b->oom)
        s = b->data ? b->data : suite_strdup("");
    else
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return s;
}

void suite_buf_free(suite_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

char *suite_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *suite_strfmt(const char *fmt, ...)
{
    suite_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    suite_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return suite_buf_take(&b);
}

char *suite_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    suite_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        suite_buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        suite_buf_free(&b);
        errno = bad ? EIO : ENOMEM;
        return NULL;
    }
    if (len)
        *len = b.len;
    return suite_buf_take(&b);
}

int suite_glob_match(const char *pattern, const char *text)
{
    if (!pattern || !text)
        return 0;
    return fnmatch(pattern, text, 0) == 0;
}

double suite_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int suite_buf_write_file(const suite_buf *b, const char *path, suite_buf *err)
{
    if (b->oom) {
        suite_buf_puts(err, "out of memory");
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        suite_buf_printf(err, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(suite_buf_str(b), 1, b->len, f) == b->len;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        suite_buf_printf(err, "cannot write %s", path);
        return -1;
    }
    return 0;
}
