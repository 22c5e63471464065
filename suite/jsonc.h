/*
 * suite/jsonc.h - JSON with comments, as scenario files are written: the
 * comments are blanked out (not removed), so every byte keeps its place and
 * a parse error or a scenario can be named by line and column of the file.
 */
#ifndef SUITE_JSONC_H
#define SUITE_JSONC_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util.h"

/*
 * Replace every // and / * * / comment of `text` (outside strings) with
 * spaces, keeping its newlines. An unterminated block comment is blanked to
 * the end. `text` is changed in place.
 */
void suite_jsonc_blank(char *text);

/*
 * Parse `text` (comments allowed; it is blanked in place) read from `file`.
 * Returns the document (free with cJSON_Delete()), or NULL with the line
 * "FILE:LINE:COLUMN: not valid JSON near \"...\"" appended to `errors`.
 */
cJSON *suite_jsonc_parse(char *text, const char *file, suite_buf *errors);

/* The 1-based line and column (in bytes) of byte `offset` of `text`. */
void suite_jsonc_position(const char *text, size_t offset, unsigned *line, unsigned *column);

/*
 * Where scenario `name` is defined in `text`: the offset of the string
 * "name" whose value is `name` (JSON-escaped as cJSON prints it). Returns
 * 0 and the offset in `*offset`, or -1 when it cannot be found.
 */
int suite_jsonc_find_name(const char *text, const char *name, size_t *offset);

#endif /* SUITE_JSONC_H */
