/*
 * utf8.h - internal UTF-8 validation (RFC 3629): rejects overlong forms,
 * surrogates (U+D800..U+DFFF), code points above U+10FFFF, stray
 * continuation bytes and truncated sequences. NUL bytes are valid UTF-8
 * here; callers that refuse them check separately. Also the text-level
 * check the JSON codecs run before cJSON.
 */
#ifndef UPAY_UTF8_H
#define UPAY_UTF8_H

#include <stddef.h>

/*
 * Length (1-4) of the well-formed UTF-8 character that starts at `s`
 * (`len` bytes available), or 0 when the bytes there are not one.
 */
size_t upay__utf8_char_len(const unsigned char *s, size_t len);

/*
 * 1 when the `len` bytes at `s` are well-formed UTF-8, else 0 with the
 * offset of the first bad byte in `*bad_at` (when not NULL).
 */
int upay__utf8_valid(const unsigned char *s, size_t len, size_t *bad_at);

/*
 * Checks a JSON text before cJSON parses it, for what cJSON lets through or
 * silently changes: bytes that are not UTF-8, NUL bytes, raw control
 * characters inside strings and \u0000 escapes (which would cut a C string
 * short). Returns 1 when none is found, else 0 with the offset in
 * `*bad_at` and a short static reason in `*why`. It does not check the
 * JSON grammar: cJSON does.
 */
int upay__utf8_json_text_ok(const char *s, size_t len, size_t *bad_at, const char **why);

#endif /* UPAY_UTF8_H */
