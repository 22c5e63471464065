/*
 * suite/options.c - command line, environment and profile (see options.h).
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void suite_options_usage(FILE *f)
{
    fputs(
        "usage: upay-suite [options] [FILES or DIRS...]\n"
        "       upay-suite record --target URL --mch-id M [--out FILE] [--name NAME]\n"
        "Run conformance scenarios (default: ./scenarios, else the source tree's).\n"
        "\n"
        "target:\n"
        "  (default)            an embedded upay-mock on 127.0.0.1, a free port\n"
        "  --target URL         a gateway (.../UnifiedPay/Gateway): running mock or live\n"
        "  --agent-id ID        agent id (env UPAY_AGENT_ID; mock default: built-in agent)\n"
        "  --key KEY            agent key (env UPAY_KEY)\n"
        "  --mch-id ID          use this merchant for every scenario (env UPAY_MCH_ID)\n"
        "  --profile FILE       name = value lines: target, agent_id, key, mch_id, var.NAME\n"
        "  --insecure           do not verify TLS certificates (test servers only)\n"
        "  --anonymous          the embedded mock hides its admin API from the suite: it\n"
        "                       looks like a foreign gateway (tests the suite itself)\n"
        "  --dialect D          seed or live: the embedded mock's dialect, or the one a\n"
        "                       --target speaks (default: seed, or what it says it speaks)\n"
        "  --var NAME=VALUE     a variable or input, e.g. --var code.wechat=134...\n"
        "  --no-prompt          never prompt for inputs, skip instead\n"
        "selection:\n"
        "  --tag GLOB           scenarios with a matching tag ('!GLOB' excludes); repeatable\n"
        "  --name GLOB          scenarios whose name matches; repeatable\n"
        "  --rule GLOB          scenarios proving a matching rule id; repeatable\n"
        "  --shard K/N          run the K-th of N slices\n"
        "  --random             random order (prints the seed)\n"
        "  --seed N             seed for the order and payment codes\n"
        "  -j N                 N scenarios in parallel (threads)\n"
        "output:\n"
        "  --list               list scenarios with rules and requirements, run nothing\n"
        "  --junit FILE         write a JUnit XML report\n"
        "  --tap                TAP on stdout (console report goes to stderr)\n"
        "  -q, --quiet          no progress lines; failures and the summary only\n"
        "  --lint               after each scenario, the mock linter's findings for its\n"
        "                       merchant (GET /mock/lint) in the console and JUnit reports\n"
        "  -h, --help           this text\n"
        "  --version            print 'upay-suite VERSION' and exit\n"
        "Exit status: 0 nothing failed (an empty selection too), 1 a scenario failed,\n"
        "2 usage, scenario-file or report-path errors, 3 the target cannot be reached or\n"
        "is no UnifiedPay gateway. Colours on a terminal unless NO_COLOR is set.\n",
        f);
}

static int push(char ***arr, size_t *n, const char *s)
{
    char **a = realloc(*arr, (*n + 1) * sizeof *a);
    if (!a)
        return -1;
    *arr = a;
    a[*n] = suite_strdup(s);
    if (!a[*n])
        return -1;
    (*n)++;
    return 0;
}

static int push_const(const char ***arr, size_t *n, const char *s)
{
    return push((char ***)arr, n, s);
}

static int set_var(suite_options *o, const char *assignment, suite_buf *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        suite_buf_printf(err, "--var needs NAME=VALUE, got \"%s\"", assignment);
        return -1;
    }
    char *name = suite_strfmt("%.*s", (int)(eq - assignment), assignment);
    int rc = name ? suite_vars_set(o->vars, name, eq + 1) : -1;
    free(name);
    return rc;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!s || !*s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v > max)
        return -1;
    *out = v;
    return 0;
}

static int replace(char **slot, const char *value)
{
    free(*slot);
    *slot = suite_strdup(value);
    return *slot ? 0 : -1;
}

int suite_options_parse(int argc, char **argv, suite_options *o, suite_buf *err)
{
    memset(o, 0, sizeof *o);
    o->vars = suite_vars_new();
    if (!o->vars)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        /* Accept both "--opt value" and "--opt=value" for options with values. */
        static const char *const with_value[] = {
            "--target", "--agent-id", "--key", "--mch-id", "--profile", "--var", "--tag",
            "--name", "--rule", "--shard", "--seed", "--junit", "--dialect", "-j", "--jobs", NULL,
        };
        char optname[32] = "";
        for (size_t k = 0; with_value[k]; k++) {
            size_t len = strlen(with_value[k]);
            if (strncmp(a, with_value[k], len) == 0 && (a[len] == '\0' || a[len] == '=')) {
                snprintf(optname, sizeof optname, "%s", with_value[k]);
                if (a[len] == '=') {
                    val = a + len + 1;
                } else if (i + 1 < argc) {
                    val = argv[++i];
                } else {
                    suite_buf_printf(err, "%s needs a value", a);
                    return -1;
                }
                break;
            }
            if (strcmp(with_value[k], "-j") == 0 && strncmp(a, "-j", 2) == 0 && a[2] &&
                isdigit((unsigned char)a[2])) {
                snprintf(optname, sizeof optname, "-j");
                val = a + 2;
                break;
            }
        }
        int rc = 0;
        unsigned long long num = 0;
        if (optname[0]) {
            if (!strcmp(optname, "--target"))
                rc = replace(&o->target, val);
            else if (!strcmp(optname, "--agent-id"))
                rc = replace(&o->agent_id, val);
            else if (!strcmp(optname, "--key"))
                rc = replace(&o->key, val);
            else if (!strcmp(optname, "--mch-id"))
                rc = replace(&o->mch_id, val);
            else if (!strcmp(optname, "--profile"))
                rc = replace(&o->profile, val);
            else if (!strcmp(optname, "--junit"))
                rc = replace(&o->junit, val);
            else if (!strcmp(optname, "--dialect")) {
                if (strcmp(val, "seed") != 0 && strcmp(val, "live") != 0) {
                    suite_buf_printf(err, "--dialect needs seed or live, got \"%s\"", val);
                    return -1;
                }
                rc = replace(&o->dialect, val);
            }            else if (!strcmp(optname, "--var"))
                rc = set_var(o, val, err);
            else if (!strcmp(optname, "--tag"))
                rc = push_const(&o->filter.tags, &o->filter.ntags, val);
            else if (!strcmp(optname, "--name"))
                rc = push_const(&o->filter.names, &o->filter.nnames, val);
            else if (!strcmp(optname, "--rule"))
                rc = push_const(&o->filter.rules, &o->filter.nrules, val);
            else if (!strcmp(optname, "--shard")) {
                if (suite_shard_parse(val, &o->filter.shard_index, &o->filter.shard_count) != 0) {
                    suite_buf_printf(err, "--shard needs K/N with 1 <= K <= N, got \"%s\"", val);
                    return -1;
                }
            } else if (!strcmp(optname, "--seed")) {
                if (parse_uint(val, ~0ULL, &o->seed) != 0) {
                    suite_buf_printf(err, "--seed needs a non-negative integer, got \"%s\"", val);
                    return -1;
                }
                o->has_seed = 1;
            } else { /* -j, --jobs */
                if (parse_uint(val, 256, &num) != 0 || num == 0) {
                    suite_buf_printf(err, "-j needs a number from 1 to 256, got \"%s\"", val);
                    return -1;
                }
                o->jobs = (unsigned)num;
            }
        } else if (!strcmp(a, "--tap")) {
            o->tap = 1;
        } else if (!strcmp(a, "--list")) {
            o->list = 1;
        } else if (!strcmp(a, "--random")) {
            o->random = 1;
        } else if (!strcmp(a, "--insecure")) {
            o->insecure = 1;
        } else if (!strcmp(a, "--no-prompt")) {
            o->no_prompt = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--anonymous")) {
            o->anonymous = 1;
        } else if (!strcmp(a, "--lint")) {
            o->lint = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            o->help = 1;
        } else if (a[0] == '-' && a[1]) {
            suite_buf_printf(err, "unknown option %s (see --help)", a);
            return -1;
        } else {
            rc = push(&o->paths, &o->npaths, a);
        }
        if (rc != 0) {
            if (!err->len)
                suite_buf_puts(err, "out of memory");
            return -1;
        }
    }
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int load_profile(suite_options *o, const char *path, suite_buf *err)
{
    char *text = suite_read_file(path, NULL);
    if (!text) {
        suite_buf_printf(err, "cannot read profile %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = 0, lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && rc == 0;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *l = trim(line);
        if (!*l || *l == '#')
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            suite_buf_printf(err, "%s:%d: expected name = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *name = trim(l), *value = trim(eq + 1);
        /* The command line and environment win: only fill what is unset. */
        if (!strcmp(name, "target")) {
            if (!o->target)
                rc = replace(&o->target, value);
        } else if (!strcmp(name, "agent_id")) {
            if (!o->agent_id)
                rc = replace(&o->agent_id, value);
        } else if (!strcmp(name, "key")) {
            if (!o->key)
                rc = replace(&o->key, value);
        } else if (!strcmp(name, "mch_id")) {
            if (!o->mch_id)
                rc = replace(&o->mch_id, value);
        } else if (!strcmp(name, "insecure")) {
            o->insecure = o->insecure || !strcmp(value, "1") || !strcmp(value, "true");
        } else if (!strncmp(name, "var.", 4) && name[4]) {
            if (!suite_vars_get(o->vars, name + 4))
                rc = suite_vars_set(o->vars, name + 4, value);
        } else {
            suite_buf_printf(err, "%s:%d: unknown name \"%s\"", path, lineno, name);
            rc = -1;
        }
    }
    free(text);
    return rc;
}

int suite_options_finish(suite_options *o, suite_buf *err)
{
    static const struct {
        const char *env;
        size_t off;
    } envs[] = {
        {"UPAY_TARGET", offsetof(suite_options, target)},
        {"UPAY_AGENT_ID", offsetof(suite_options, agent_id)},
        {"UPAY_KEY", offsetof(suite_options, key)},
        {"UPAY_MCH_ID", offsetof(suite_options, mch_id)},
    };
    for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
        char **slot = (char **)((char *)o + envs[i].off);
        const char *v = getenv(envs[i].env);
        if (!*slot && v && *v && replace(slot, v) != 0)
            return -1;
    }
    const char *profile = o->profile ? o->profile : getenv("UPAY_SUITE_PROFILE");
    if (profile && *profile)
        return load_profile(o, profile, err);
    return 0;
}

void suite_options_free(suite_options *o)
{
    for (size_t i = 0; i < o->npaths; i++)
        free(o->paths[i]);
    free(o->paths);
    free(o->target);
    free(o->agent_id);
    free(o->key);
    free(o->mch_id);
    free(o->profile);
    free(o->junit);
    free(o->dialect);
    suite_vars_free(o->vars);
    const char **lists[] = {o->filter.tags, o->filter.names, o->filter.rules};
    size_t counts[] = {o->filter.ntags, o->filter.nnames, o->filter.nrules};
    for (size_t l = 0; l < 3; l++) {
        for (size_t i = 0; i < counts[l]; i++)
            free((char *)lists[l][i]);
        free(lists[l]);
    }
    memset(o, 0, sizeof *o);
}
