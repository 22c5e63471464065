/*
 * suite/util.h - small helpers shared by the suite's modules: a growable
 * string buffer, string duplication, whole-file reading and glob matching.
 */
#ifndef SUITE_UTIL_H
#define SUITE_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* A growable NUL-terminated string. Zero-initialise, then append. */
typedef struct suite_buf {
    char *data;   /* NULL until the first append; owned */
    size_t len;
    size_t cap;
    int oom;      /* set once an allocation failed; later appends do nothing */
} suite_buf;

void suite_buf_append(suite_buf *b, const char *s, size_t n);
void suite_buf_puts(suite_buf *b, const char *s);
void suite_buf_printf(suite_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void suite_buf_vprintf(suite_buf *b, const char *fmt, va_list ap);
/* The string so far ("" when empty); borrowed until the next append/free. */
const char *suite_buf_str(const suite_buf *b);
/* Hand the string to the caller (free()); the buffer is emptied. NULL on OOM. */
char *suite_buf_take(suite_buf *b);
void suite_buf_free(suite_buf *b);

/* strdup that accepts NULL (returns NULL). Caller frees. */
char *suite_strdup(const char *s);

/* printf into a new string owned by the caller, or NULL on OOM. */
char *suite_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Read a whole file into a new NUL-terminated string (caller frees) and its
 * length into `*len` (may be NULL). NULL on failure, errno set.
 */
char *suite_read_file(const char *path, size_t *len);

/*
 * Write the buffer `b` (its string) to the file `path`, replacing it.
 * Returns 0, or -1 with a sentence ("cannot write PATH: reason", or "out of
 * memory" when `b` ran out) in `err`.
 */
int suite_buf_write_file(const suite_buf *b, const char *path, suite_buf *err);

/* 1 when `text` matches the shell glob `pattern` (*, ?, [..]), else 0. */
int suite_glob_match(const char *pattern, const char *text);

/* Milliseconds on a monotonic clock. */
double suite_now_ms(void);

#endif /* SUITE_UTIL_H */
