/*
 * suite/report.c - console, JUnit XML, TAP and --list output (see report.h).
 */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

suite_counts suite_count(const suite_outcome *o, size_t n)
{
    suite_counts c = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        for (const char *l = o[i].notes; l && *l; l++)
            c.notes += *l == '\n';
        if (o[i].status == SUITE_PASS)
            c.passed++;
        else if (o[i].status == SUITE_FAIL)
            c.failed++;
        else
            c.skipped++;
    }
    return c;
}

/* Each line of `text` after `prefix`. */
static void print_lines(FILE *f, const char *prefix, const char *text)
{
    for (const char *l = text; l && *l;) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        fprintf(f, "%s%.*s\n", prefix, (int)n, l);
        l += n + (end ? 1 : 0);
    }
}

int suite_console_colour(FILE *f)
{
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return 0;
    int fd = f ? fileno(f) : -1;
    return fd >= 0 && isatty(fd);
}

void suite_console_progress(const suite_outcome *o, size_t done, size_t total, void *userdata)
{
    FILE *f = userdata ? userdata : stdout;
    int width = snprintf(NULL, 0, "%zu", total);
    const char *on = "", *off = "";
    if (suite_console_colour(f)) {
        on = o->status == SUITE_PASS ? "\033[32m" : o->status == SUITE_FAIL ? "\033[1;31m"
                                                                              : "\033[33m";
        off = "\033[0m";
    }
    fprintf(f, "[%*zu/%zu] %s%s%s %s (%.0f ms)", width, done, total, on,
            suite_status_name(o->status), off, o->scenario->name, o->ms);
    if (o->status == SUITE_SKIP && o->message)
        fprintf(f, ": %s", o->message);
    fputc('\n', f);
    if (o->status == SUITE_FAIL) {
        fprintf(f, "    file:     %s\n", o->scenario->file);
        if (o->mch)
            fprintf(f, "    merchant: %s\n", o->mch);
        if (o->detail)
            fputs(o->detail, f);
        else if (o->message)
            fprintf(f, "    problem:  %s\n", o->message);
    }
    print_lines(f, "    note:     ", o->notes);
    print_lines(f, "    lint:     ", o->lint);
    fflush(f);
}

void suite_console_summary(FILE *f, const suite_outcome *o, size_t n, double total_ms)
{
    suite_counts c = suite_count(o, n);
    if (c.notes) {
        fprintf(f, "\nFidelity notes (decisions of ours this target takes otherwise; "
                   "not failures):\n");
        for (size_t i = 0; i < n; i++)
            if (o[i].notes) {
                fprintf(f, "  %s:\n", o[i].scenario->name);
                print_lines(f, "    ", o[i].notes);
            }
    }
    if (c.failed) {
        fprintf(f, "\nFailed:\n");
        for (size_t i = 0; i < n; i++)
            if (o[i].status == SUITE_FAIL)
                fprintf(f, "  %s: %s\n", o[i].scenario->name, o[i].message ? o[i].message : "");
    }
    fprintf(f, "\n%zu passed, %zu failed, %zu skipped\n", c.passed, c.failed, c.skipped);
    if (c.notes)
        fprintf(f, "%zu fidelity note%s\n", c.notes, c.notes == 1 ? "" : "s");
    fprintf(f, "%zu scenarios in %.2f s\n", n, total_ms / 1000.0);
    fflush(f);
}

void suite_xml_escape(suite_buf *b, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        switch (*p) {
        case '<': suite_buf_puts(b, "&lt;"); break;
        case '>': suite_buf_puts(b, "&gt;"); break;
        case '&': suite_buf_puts(b, "&amp;"); break;
        case '"': suite_buf_puts(b, "&quot;"); break;
        case '\'': suite_buf_puts(b, "&apos;"); break;
        default:
            if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
                break; /* not allowed in XML 1.0 */
            suite_buf_append(b, (const char *)p, 1);
        }
    }
}

/* The scenario's group: its file's parent directory name ("pay"). */
static void group_of(const char *file, char *out, size_t outlen)
{
    const char *end = strrchr(file, '/');
    const char *start = file;
    if (end) {
        const char *p = end;
        while (p > file && p[-1] != '/')
            p--;
        start = p;
    }
    size_t n = end ? (size_t)(end - start) : 0;
    if (n == 0 || n >= outlen)
        snprintf(out, outlen, "scenarios");
    else
        snprintf(out, outlen, "%.*s", (int)n, start);
}

int suite_junit_write(const char *path, const suite_outcome *o, size_t n, double total_ms,
                      suite_buf *err)
{
    suite_counts c = suite_count(o, n);
    suite_buf x = {0};
    suite_buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    suite_buf_printf(&x, "<testsuites name=\"upay-suite\" tests=\"%zu\" failures=\"%zu\" "
                         "errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
                     n, c.failed, c.skipped, total_ms / 1000.0);
    suite_buf_printf(&x, "  <testsuite name=\"upay-suite\" tests=\"%zu\" failures=\"%zu\" "
                         "errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
                     n, c.failed, c.skipped, total_ms / 1000.0);
    for (size_t i = 0; i < n; i++) {
        const suite_scenario *s = o[i].scenario;
        char group[128];
        group_of(s->file, group, sizeof group);
        suite_buf_puts(&x, "    <testcase classname=\"");
        suite_xml_escape(&x, group);
        suite_buf_puts(&x, "\" name=\"");
        suite_xml_escape(&x, s->name);
        suite_buf_printf(&x, "\" time=\"%.3f\">\n", o[i].ms / 1000.0);
        suite_buf_puts(&x, "      <properties>\n");
        for (size_t r = 0; r < s->nrules; r++) {
            suite_buf_puts(&x, "        <property name=\"rule\" value=\"");
            suite_xml_escape(&x, s->rules[r]);
            suite_buf_puts(&x, "\"/>\n");
        }
        for (const char *l = o[i].notes; l && *l;) {
            size_t len = strcspn(l, "\n");
            char *one = suite_strfmt("%.*s", (int)len, l);
            suite_buf_puts(&x, "        <property name=\"fidelity_note\" value=\"");
            suite_xml_escape(&x, one);
            suite_buf_puts(&x, "\"/>\n");
            free(one);
            l += len + (l[len] ? 1 : 0);
        }
        suite_buf_puts(&x, "      </properties>\n");
        if (o[i].status == SUITE_FAIL) {
            suite_buf_puts(&x, "      <failure message=\"");
            suite_xml_escape(&x, o[i].message);
            suite_buf_puts(&x, "\">");
            suite_xml_escape(&x, o[i].detail ? o[i].detail : o[i].message);
            suite_buf_puts(&x, "</failure>\n");
        } else if (o[i].status == SUITE_SKIP) {
            suite_buf_puts(&x, "      <skipped message=\"");
            suite_xml_escape(&x, o[i].message);
            suite_buf_puts(&x, "\"/>\n");
        }
        if (o[i].lint || o[i].notes) {
            suite_buf_puts(&x, "      <system-out>");
            for (const char *l = o[i].notes; l && *l;) {
                size_t len = strcspn(l, "\n");
                char *one = suite_strfmt("fidelity note: %.*s\n", (int)len, l);
                suite_xml_escape(&x, one);
                free(one);
                l += len + (l[len] ? 1 : 0);
            }
            suite_xml_escape(&x, o[i].lint);
            suite_buf_puts(&x, "</system-out>\n");
        }
        suite_buf_puts(&x, "    </testcase>\n");
    }
    suite_buf_puts(&x, "  </testsuite>\n</testsuites>\n");
    int rc = suite_buf_write_file(&x, path, err);
    suite_buf_free(&x);
    return rc;
}

/* A one-line version of `text` for TAP directives and YAML. */
static void one_line(FILE *f, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++)
        fputc(*p == '\n' || *p == '\r' || *p == '#' ? ' ' : *p, f);
}

/* `text` as a double-quoted YAML scalar on one line. */
static void yaml_quoted(FILE *f, const char *text)
{
    fputc('"', f);
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', f);
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
    }
    fputc('"', f);
}

void suite_tap_write(FILE *f, const suite_outcome *o, size_t n)
{
    fprintf(f, "TAP version 13\n1..%zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const suite_outcome *x = &o[i];
        fprintf(f, "%s %zu - ", x->status == SUITE_FAIL ? "not ok" : "ok", i + 1);
        one_line(f, x->scenario->name);
        if (x->status == SUITE_SKIP) {
            fputs(" # SKIP ", f);
            one_line(f, x->message);
        }
        fputc('\n', f);
        if (x->status == SUITE_FAIL) {
            fputs("  ---\n  message: ", f);
            yaml_quoted(f, x->message);
            fputs("\n  file: ", f);
            yaml_quoted(f, x->scenario->file);
            fputc('\n', f);
            if (x->detail) {
                fputs("  detail: |\n", f);
                const char *p = x->detail;
                while (*p) {
                    size_t len = strcspn(p, "\n");
                    fprintf(f, "    %.*s\n", (int)len, p);
                    p += len;
                    if (*p)
                        p++;
                }
            }
            fputs("  ...\n", f);
        }
        for (const char *l = x->notes; l && *l;) {
            size_t len = strcspn(l, "\n");
            fputs("# fidelity note: ", f);
            for (size_t k = 0; k < len; k++)
                fputc(l[k] == '\r' ? ' ' : l[k], f);
            fputc('\n', f);
            l += len + (l[len] ? 1 : 0);
        }
    }
    suite_counts c = suite_count(o, n);
    if (c.notes)
        fprintf(f, "# %zu fidelity note%s (decisions, not failures)\n", c.notes,
                c.notes == 1 ? "" : "s");
    fflush(f);
}

void suite_list_write(FILE *f, suite_scenario *const *items, size_t n)
{
    size_t live = 0;
    for (size_t i = 0; i < n; i++) {
        const suite_scenario *s = items[i];
        char req[64];
        suite_requirements_format(s->requires, req, sizeof req);
        if (!(s->requires & SUITE_REQ_NEEDS_MOCK))
            live++;
        fprintf(f, "%s\n  rules: ", s->name);
        for (size_t r = 0; r < s->nrules; r++)
            fprintf(f, "%s%s", r ? " " : "", s->rules[r]);
        fprintf(f, "\n  requires: %s\n  tags: ", req[0] ? req : "-");
        for (size_t t = 0; t < s->ntags; t++)
            fprintf(f, "%s%s", t ? " " : "", s->tags[t]);
        fprintf(f, "%s\n  file: %s\n", s->ntags ? "" : "-", s->file);
    }
    fprintf(f, "\n%zu scenarios, %zu runnable without mock control\n", n, live);
}
