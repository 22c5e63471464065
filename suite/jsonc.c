/*
 * suite/jsonc.c - comments blanked in place, and positions as line and
 * column (see jsonc.h).
 */
#include "jsonc.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

void suite_jsonc_blank(char *text)
{
    char *p = text;
    while (*p) {
        if (*p == '"') {   /* a string: skip it, escapes included */
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
        } else if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n')
                *p++ = ' ';
        } else if (p[0] == '/' && p[1] == '*') {
            *p++ = ' ';
            *p++ = ' ';
            while (*p && !(p[0] == '*' && p[1] == '/')) {
                if (*p != '\n')
                    *p = ' ';
                p++;
            }
            if (*p) {
                *p++ = ' ';
                *p++ = ' ';
            }
        } else {
            p++;
        }
    }
}

void suite_jsonc_position(const char *text, size_t offset, unsigned *line, unsigned *column)
{
    unsigned l = 1, c = 1;
    for (size_t i = 0; i < offset && text[i]; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *column = c;
}

cJSON *suite_jsonc_parse(char *text, const char *file, suite_buf *errors)
{
    suite_jsonc_blank(text); /* comments become spaces: positions stay those of the file */
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        unsigned line, col;
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        suite_jsonc_position(text, at, &line, &col);
        size_t near = strcspn(text + at, "\r\n");
        suite_buf_printf(errors, "%s:%u:%u: not valid JSON near \"%.*s\"\n", file, line, col,
                         (int)(near < 20 ? near : 20), text + at);
    }
    return root;
}

int suite_jsonc_find_name(const char *text, const char *name, size_t *offset)
{
    cJSON *str = cJSON_CreateString(name);
    char *quoted = str ? cJSON_PrintUnformatted(str) : NULL;
    cJSON_Delete(str);
    if (!quoted)
        return -1;
    int rc = -1;
    size_t qlen = strlen(quoted);
    for (const char *p = strstr(text, "\"name\""); p; p = strstr(p + 1, "\"name\"")) {
        const char *v = p + 6;
        while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
            v++;
        if (*v != ':')
            continue;
        for (v++; *v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'; v++)
            ;
        if (strncmp(v, quoted, qlen) == 0) {
            *offset = (size_t)(p - text);
            rc = 0;
            break;
        }
    }
    cJSON_free(quoted);
    return rc;
}
