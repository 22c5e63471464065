/*
 * text.h - a bounded copy of a C string into a fixed field, as
 * snprintf(dst, size, "%s", src) would make it (cut at size - 1 bytes,
 * always terminated), without the printf machinery: the gateway fills a
 * dozen such fields per request.
 */
#ifndef MOCK_CORE_TEXT_H
#define MOCK_CORE_TEXT_H

#include <string.h>

/* Copy `src` into `dst` of `size` bytes (size > 0), cut to fit. */
static inline void mock_text_copy(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memmove(dst, src, n);
    dst[n] = '\0';
}

#endif
