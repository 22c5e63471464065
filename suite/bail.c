/*
 * suite/bail.c - the reports of a run that could not run (see bail.h).
 */
#include "bail.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

int suite_bail_junit(const char *path, const char *kind, const char *message, suite_buf *err)
{
    const char *text = message ? message : "";
    size_t first = strcspn(text, "\n");
    char *line = suite_strfmt("%.*s", (int)first, text);
    suite_buf x = {0};
    suite_buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"upay-suite\" tests=\"1\" failures=\"0\" errors=\"1\" "
                       "skipped=\"0\" time=\"0.000\">\n"
                       "  <testsuite name=\"upay-suite\" tests=\"1\" failures=\"0\" errors=\"1\" "
                       "skipped=\"0\" time=\"0.000\">\n"
                       "    <testcase classname=\"upay-suite\" name=\"upay-suite.");
    suite_xml_escape(&x, kind);
    suite_buf_puts(&x, "\" time=\"0.000\">\n      <error type=\"");
    suite_xml_escape(&x, kind);
    suite_buf_puts(&x, "\" message=\"");
    suite_xml_escape(&x, line ? line : "");
    suite_buf_puts(&x, "\">");
    suite_xml_escape(&x, text);
    suite_buf_puts(&x, "</error>\n    </testcase>\n  </testsuite>\n</testsuites>\n");
    free(line);
    int rc = suite_buf_write_file(&x, path, err);
    suite_buf_free(&x);
    return rc;
}

int suite_bail(const suite_bail_to *to, int status, const char *kind, const char *message)
{
    const char *text = message && *message ? message : "unknown error";
    size_t len = strlen(text);
    fprintf(to->errout, "%s: %s%s", to->prog, text, text[len - 1] == '\n' ? "" : "\n");
    if (to->tap)
        suite_bail_tap(to->tap, text);
    if (to->junit && strcmp(kind, "output") != 0) {
        suite_buf err = {0};
        if (suite_bail_junit(to->junit, kind, text, &err) != 0)
            fprintf(to->errout, "%s: %s\n", to->prog, suite_buf_str(&err));
        suite_buf_free(&err);
    }
    return status;
}

void suite_bail_tap(FILE *f, const char *message)
{
    const char *text = message ? message : "";
    fprintf(f, "TAP version 13\nBail out! %.*s\n", (int)strcspn(text, "\n"), text);
    fflush(f);
}

int suite_output_check(const char *path, suite_buf *err)
{
    struct stat st;
    int existed = stat(path, &st) == 0;
    if (existed && S_ISDIR(st.st_mode)) {
        suite_buf_printf(err, "cannot write %s: it is a directory", path);
        return -1;
    }
    FILE *f = fopen(path, "a");
    if (!f) {
        suite_buf_printf(err, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fclose(f);
    if (!existed)
        unlink(path);
    return 0;
}
