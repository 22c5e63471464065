/*
 * suite/client/client_cli.c - `upay-suite client` (see client_cli.h): the
 * command line, the mocks (one embedded upay-mock per dialect the selected
 * scenarios ask for, its clock running in real time because the program
 * under test sleeps in real time), the worker threads and the reports.
 */
#include "client_cli.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <upay.h>

#include "bail.h"
#include "client_run.h"
#include "exit.h"
#include "client_scenario.h"
#include "mock.h"
#include "report.h"
#include "select.h"
#include "target.h"
#include "template.h"

#ifndef UPAY_SUITE_DEFAULT_SCENARIOS
#define UPAY_SUITE_DEFAULT_SCENARIOS "scenarios"
#endif

#define MAX_PATTERNS 64
#define MAX_DIALECTS 2   /* the default ("seed") and "live" */

typedef struct client_opts {
    const char *cmd, *target, *agent, *key, *junit;
    const char *paths[MAX_PATTERNS];
    size_t npaths;
    const char *tags[MAX_PATTERNS], *names[MAX_PATTERNS], *rules[MAX_PATTERNS];
    size_t ntags, nnames, nrules;
    unsigned jobs;
    int tap, quiet, list, help, has_seed;
    unsigned long long seed;
} client_opts;

static void usage(FILE *f)
{
    fputs("usage: upay-suite client --cmd 'COMMAND' [options] [FILES or DIRS...]\n"
          "Runs the client scenarios (default scenarios/client) against a point-of-sale\n"
          "program: COMMAND runs through /bin/sh -c once per business action, with the\n"
          "environment of docs/client-conformance.md, and prints its outcome as JSON.\n"
          "  --cmd COMMAND     the program (required unless --list)\n"
          "  --target URL      a running upay-mock (default: embedded, one per dialect)\n"
          "  --agent-id ID --key KEY   the agent handed to the program (default: the mock's)\n"
          "  -j N              scenarios at once (default 1; they mostly wait: 8 is fine)\n"
          "  --junit FILE      JUnit XML; --tap: TAP 13 on stdout (console on stderr)\n"
          "  --name GLOB --tag GLOB --rule GLOB   select (repeatable; !GLOB excludes)\n"
          "  --seed N          payment codes; --list: list and exit; -q: failures only\n",
          f);
}

static int parse(int argc, char **argv, client_opts *o, FILE *errout)
{
    memset(o, 0, sizeof *o);
    o->jobs = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(a, "--cmd") == 0 && v)
            o->cmd = v;
        else if (strcmp(a, "--target") == 0 && v)
            o->target = v;
        else if (strcmp(a, "--agent-id") == 0 && v)
            o->agent = v;
        else if (strcmp(a, "--key") == 0 && v)
            o->key = v;
        else if (strcmp(a, "--junit") == 0 && v)
            o->junit = v;
        else if (strcmp(a, "-j") == 0 && v) {
            char *end;
            unsigned long j = strtoul(v, &end, 10);
            if (*end || j < 1 || j > 256) {
                fprintf(errout, "upay-suite client: -j takes 1 to 256\n");
                return -1;
            }
            o->jobs = (unsigned)j;
        } else if (strcmp(a, "--seed") == 0 && v) {
            char *end;
            o->seed = strtoull(v, &end, 10);
            o->has_seed = 1;
            if (*end || !*v) {
                fprintf(errout, "upay-suite client: --seed takes a number\n");
                return -1;
            }
        } else if ((strcmp(a, "--tag") == 0 || strcmp(a, "--name") == 0 ||
                    strcmp(a, "--rule") == 0) && v) {
            const char **list = a[2] == 't' ? o->tags : a[2] == 'n' ? o->names : o->rules;
            size_t *n = a[2] == 't' ? &o->ntags : a[2] == 'n' ? &o->nnames : &o->nrules;
            if (*n == MAX_PATTERNS) {
                fprintf(errout, "upay-suite client: too many %s patterns\n", a);
                return -1;
            }
            list[(*n)++] = v;
        } else {
            takes = 0;
            if (strcmp(a, "--tap") == 0)
                o->tap = 1;
            else if (strcmp(a, "-q") == 0)
                o->quiet = 1;
            else if (strcmp(a, "--list") == 0)
                o->list = 1;
            else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
                o->help = 1;
            else if (a[0] != '-' && o->npaths < MAX_PATTERNS)
                o->paths[o->npaths++] = a;
            else {
                fprintf(errout, "upay-suite client: unknown option or missing value: %s\n", a);
                return -1;
            }
        }
        i += takes;
    }
    if (!o->cmd && !o->list && !o->help) {
        fprintf(errout, "upay-suite client: --cmd 'COMMAND' is required\n");
        return -1;
    }
    return 0;
}

static const char *default_path(void)
{
    struct stat st;
    if (stat("scenarios/client", &st) == 0 && S_ISDIR(st.st_mode))
        return "scenarios/client";
    return UPAY_SUITE_DEFAULT_SCENARIOS "/client";
}

/* An embedded upay-mock whose clock runs (the program sleeps in real time). */
static int start_mock(suite_target *t, const char *dialect, unsigned long long seed, suite_buf *err)
{
    memset(t, 0, sizeof *t);
#ifdef UPAY_SUITE_HAVE_MOCK
    mock_options opts;
    memset(&opts, 0, sizeof opts);
    opts.listen = "127.0.0.1:0";
    opts.quiet = 1;
    opts.has_seed = 1;
    opts.seed = seed;
    opts.dialect = dialect;
    char msg[256] = "";
    mock_server *srv = mock_server_start(&opts, msg, sizeof msg);
    if (!srv) {
        suite_buf_printf(err, "cannot start an embedded upay-mock (dialect %s): %s",
                         dialect ? dialect : "seed", msg);
        return -1;
    }
    t->server = srv;
    t->embedded = 1;
    t->has_mock = 1;
    t->base_url = suite_strdup(mock_server_url(srv));
    t->gateway_url = suite_strfmt("%s/UnifiedPay/Gateway", mock_server_url(srv));
    return t->base_url && t->gateway_url ? 0 : -1;
#else
    (void)dialect;
    (void)seed;
    suite_buf_puts(err, "this upay-suite was built without upay-mock: use --target URL");
    return -1;
#endif
}

typedef struct pool {
    const suite_client_config *cfg;
    suite_client_scenario **items;
    size_t n;
    suite_outcome *outcomes;
    suite_target *mocks[MAX_DIALECTS]; /* [0] default, [1] live; NULL when not started */
    int remote;                        /* --target: only the default dialect */
    size_t next, done;
    pthread_mutex_t lock;
    FILE *console;
    int quiet;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        const suite_client_scenario *s = p->items[i];
        suite_target *t = p->mocks[s->dialect ? 1 : 0];
        suite_outcome *o = &p->outcomes[i];
        if (!t) {
            memset(o, 0, sizeof *o);
            o->scenario = &s->base;
            o->status = SUITE_SKIP;
            o->message = suite_strfmt("needs a mock in dialect \"%s\": only the embedded target "
                                      "starts one", s->dialect);
        } else {
            suite_client_run_one(p->cfg, t, s, s->base.index, o);
        }
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (!p->quiet || o->status == SUITE_FAIL)
            suite_console_progress(o, p->done, p->n, p->console);
        pthread_mutex_unlock(&p->lock);
    }
}

/* A short tag unique to this run: merchants and numbers use it. */
static void run_tag(unsigned long long seed, char out[8])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long s = seed ^ (unsigned long long)ts.tv_nsec ^
                           ((unsigned long long)ts.tv_sec << 20) ^
                           ((unsigned long long)getpid() << 40);
    unsigned long long r = suite_rand_next(&s);
    out[0] = 'C';
    for (int i = 1; i < 6; i++) {
        out[i] = digits[r % 36];
        r /= 36;
    }
    out[6] = '\0';
}

int suite_client_main(int argc, char **argv, FILE *out, FILE *errout)
{
    client_opts o;
    suite_client_set set = {0};
    suite_client_scenario **items = NULL;
    suite_outcome *outcomes = NULL;
    suite_target mocks[MAX_DIALECTS];
    memset(mocks, 0, sizeof mocks);
    suite_buf err = {0};
    size_t n = 0;
    double total = 0.0;
    int status = SUITE_EXIT_USAGE;

    int parsed = parse(argc, argv, &o, errout) == 0;
    suite_bail_to to = {.prog = "upay-suite client", .tap = o.tap ? out : NULL, .junit = o.junit,
                        .errout = errout};
    if (!parsed) {
        usage(errout);
        return suite_bail(&to, SUITE_EXIT_USAGE, "usage", "the command line is wrong (above)");
    }
    if (o.help) {
        usage(out);
        return SUITE_EXIT_OK;
    }
    FILE *console = o.tap ? errout : out;
    if (o.junit && !o.list && suite_output_check(o.junit, &err) != 0) {
        status = suite_bail(&to, SUITE_EXIT_USAGE, "output", suite_buf_str(&err));
        goto done;
    }
    int problems = 0;
    if (o.npaths == 0)
        problems = suite_client_load(&set, default_path(), &err);
    for (size_t i = 0; i < o.npaths; i++)
        problems += suite_client_load(&set, o.paths[i], &err);
    if (problems) {
        suite_buf_printf(&err, "%d problem(s) in the scenario files\n", problems);
        status = suite_bail(&to, SUITE_EXIT_USAGE, "scenarios", suite_buf_str(&err));
        goto done;
    }
    suite_filter filter = {.tags = o.tags, .ntags = o.ntags, .names = o.names,
                           .nnames = o.nnames, .rules = o.rules, .nrules = o.nrules};
    items = calloc(set.count ? set.count : 1, sizeof *items);
    if (!items)
        goto done;
    int need_live = 0;
    for (size_t i = 0; i < set.count; i++)
        if (suite_filter_match(&filter, &set.items[i]->base)) {
            items[n++] = set.items[i];
            need_live |= set.items[i]->dialect != NULL;
        }
    if (o.list) {
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "%s  %s%s%s  rules:", items[i]->base.name,
                    suite_action_name(items[i]->action), items[i]->dialect ? " dialect " : "",
                    items[i]->dialect ? items[i]->dialect : "");
            for (size_t r = 0; r < items[i]->base.nrules; r++)
                fprintf(out, " %s", items[i]->base.rules[r]);
            fputc('\n', out);
        }
        status = 0;
        goto done;
    }
    if (n == 0) {   /* an empty selection: nothing failed */
        fprintf(console, "upay-suite client: no scenario selected (of %zu loaded)\n", set.count);
        suite_console_summary(console, NULL, 0, 0.0);
        status = SUITE_EXIT_OK;
        goto report;
    }
    if (upay_global_init() != UPAY_OK) {   /* libcurl, before any thread */
        fprintf(errout, "upay-suite client: libcurl could not start\n");
        goto done;
    }
    unsigned long long seed = o.has_seed ? o.seed : (unsigned long long)time(NULL);
    pool p = {.n = n, .items = items, .console = console, .quiet = o.quiet};
    if (o.target) {
        if (suite_target_open_url(&mocks[0], o.target, &err) != 0) {
            status = suite_bail(&to, SUITE_EXIT_USAGE, "usage", suite_buf_str(&err));
            goto done;
        }
        if (suite_target_reach(&mocks[0], &err) != 0) {
            status = suite_bail(&to, SUITE_EXIT_TARGET, "target", suite_buf_str(&err));
            goto done;
        }
        if (!suite_target_probe(&mocks[0])) {
            suite_buf_printf(&err, "%s needs mock control (GET /mock/health): the verdict "
                                   "reads the mock's journal and orders", o.target);
            status = suite_bail(&to, SUITE_EXIT_TARGET, "target", suite_buf_str(&err));
            goto done;
        }
        p.mocks[0] = &mocks[0];
        p.remote = 1;
    } else {
        if (start_mock(&mocks[0], NULL, seed, &err) != 0 ||
            (need_live && start_mock(&mocks[1], "live", seed, &err) != 0)) {
            status = suite_bail(&to, SUITE_EXIT_TARGET, "target", suite_buf_str(&err));
            goto done;
        }
        p.mocks[0] = &mocks[0];
        p.mocks[1] = need_live ? &mocks[1] : NULL;
    }
    char tag[8];
    run_tag(seed, tag);
    suite_client_config cfg = {
        .command = o.cmd,
        .agent_id = o.agent ? o.agent : MOCK_BUILTIN_AGENT_1,
        .key = o.key ? o.key : MOCK_BUILTIN_KEY_1,
        .run_tag = tag,
        .seed = seed,
        .limit_scale = 1.0,
    };
    p.cfg = &cfg;
    outcomes = calloc(n, sizeof *outcomes);
    if (!outcomes || pthread_mutex_init(&p.lock, NULL) != 0)
        goto done;
    p.outcomes = outcomes;
    fprintf(console, "upay-suite client: %zu scenario(s), program: %s, against %s, %u at once, "
                     "seed %llu\n", n, o.cmd, mocks[0].gateway_url, o.jobs, seed);
    fflush(console);
    double start = suite_now_ms();
    unsigned jobs = o.jobs < n ? o.jobs : (unsigned)n;
    pthread_t threads[256];
    unsigned started = 0;
    for (; started < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker, &p) != 0)
            break;
    if (started == 0)
        worker(&p);
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&p.lock);
    total = suite_now_ms() - start;
    suite_console_summary(console, outcomes, n, total);
    status = suite_count(outcomes, n).failed ? SUITE_EXIT_FAILED : SUITE_EXIT_OK;
report:
    if (o.tap)
        suite_tap_write(out, outcomes, outcomes ? n : 0);
    if (o.junit) {
        suite_buf jerr = {0};
        if (suite_junit_write(o.junit, outcomes, outcomes ? n : 0, total, &jerr) != 0) {
            fprintf(errout, "upay-suite client: %s\n", suite_buf_str(&jerr));
            status = SUITE_EXIT_USAGE;
        }
        suite_buf_free(&jerr);
    }
done:
    if (outcomes)
        for (size_t i = 0; i < n; i++)
            suite_outcome_clear(&outcomes[i]);
    free(outcomes);
    for (size_t i = 0; i < MAX_DIALECTS; i++)
        suite_target_close(&mocks[i]);
    free(items);
    suite_client_set_free(&set);
    suite_buf_free(&err);
    return status;
}
