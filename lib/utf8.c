/*
 * utf8.c - UTF-8 validation for the codecs (see utf8.h). Follows the table
 * of well-formed byte sequences in Unicode 15, section 3.9 (Table 3-7).
 */
#include "utf8.h"

#include <string.h>

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t upay__utf8_char_len(const unsigned char *s, size_t len)
{
    if (len == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2) /* continuation byte, or overlong 2-byte lead C0/C1 */
        return 0;
    if (c < 0xE0)
        return len >= 2 && is_cont(s[1]) ? 2 : 0;
    if (c < 0xF0) {
        if (len < 3 || !is_cont(s[1]) || !is_cont(s[2]))
            return 0;
        if (c == 0xE0 && s[1] < 0xA0) /* overlong */
            return 0;
        if (c == 0xED && s[1] >= 0xA0) /* surrogates U+D800..U+DFFF */
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (len < 4 || !is_cont(s[1]) || !is_cont(s[2]) || !is_cont(s[3]))
            return 0;
        if (c == 0xF0 && s[1] < 0x90) /* overlong */
            return 0;
        if (c == 0xF4 && s[1] >= 0x90) /* above U+10FFFF */
            return 0;
        return 4;
    }
    return 0; /* F5..FF never appear */
}

int upay__utf8_valid(const unsigned char *s, size_t len, size_t *bad_at)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) { /* fast path for ASCII */
            i++;
            continue;
        }
        size_t n = upay__utf8_char_len(s + i, len - i);
        if (n == 0) {
            if (bad_at != NULL)
                *bad_at = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

int upay__utf8_json_text_ok(const char *s, size_t len, size_t *bad_at, const char **why)
{
    const unsigned char *p = (const unsigned char *)s;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        *bad_at = i;
        if (c >= 0x80) {
            size_t n = upay__utf8_char_len(p + i, len - i);
            if (n == 0) {
                *why = "invalid UTF-8";
                return 0;
            }
            i += n - 1;
            continue;
        }
        if (c == 0) {
            *why = "NUL byte";
            return 0;
        }
        if (!in_string) {
            in_string = c == '"';
            continue;
        }
        if (c == '"') {
            in_string = 0;
        } else if (c < 0x20) {
            *why = "control character in a string";
            return 0;
        } else if (c == '\\' && i + 1 < len && p[i + 1] < 0x80) {
            if (p[i + 1] == 'u' && len - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0) {
                *why = "\\u0000 in a string";
                return 0;
            }
            i++; /* skip the escaped character: it may be a quote */
        }
    }
    return 1;
}
