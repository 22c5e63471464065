/*
 * error_detail.c - fill a caller-owned upay_error; quote untrusted text for
 * error messages (see error_detail.h).
 */
#include "error_detail.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

upay_code upay__error_set(upay_error *err, upay_code code, size_t offset,
                          const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n < 0)
        err->message[0] = '\0';
    return code;
}

char *upay__error_quote(char dst[UPAY__QUOTE_SIZE], const char *s, size_t len)
{
    const size_t room = UPAY__QUOTE_SIZE - 4; /* keep space for "..." and NUL */
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;

    while (i < len) {
        size_t n = upay__utf8_char_len(p + i, len - i);
        size_t out_n = n == 0 ? 1 : n;
        if (o + out_n > room) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (n == 0 || (n == 1 && (p[i] < 0x20 || p[i] == 0x7F))) {
            dst[o++] = '?';
            i += 1;
        } else {
            memcpy(dst + o, p + i, n);
            o += n;
            i += n;
        }
    }
    dst[o] = '\0';
    return dst;
}
