/*
 * suite/cli.c - upay-suite's main flow (see cli.h).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mock.h" /* upay-mock's built-in agents */
#include "bail.h"
#include "exit.h"
#include "options.h"
#include "client/client_cli.h"
#include "record.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "select.h"
#include "target.h"
#include "template.h"
#include "upay_version.h"


#ifndef UPAY_SUITE_DEFAULT_SCENARIOS
#define UPAY_SUITE_DEFAULT_SCENARIOS "scenarios"
#endif

/*
 * Where the scenarios are when no path is given: ./scenarios, else the
 * library installed beside the program (share/upay/scenarios, found from
 * the program's own location, so a moved prefix still works), else the
 * source tree's.
 */
static const char *default_path(void)
{
    struct stat st;
    if (stat("scenarios", &st) == 0 && S_ISDIR(st.st_mode))
        return "scenarios";
#ifdef UPAY_SUITE_SCENARIOS_RELATIVE
    static char installed[4096];
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    char *slash = NULL;
    if (len > 0) {
        self[len] = '\0';
        slash = strrchr(self, '/');
    }
    if (slash) {
        *slash = '\0';
        int n = snprintf(installed, sizeof installed, "%s/%s", self,
                         UPAY_SUITE_SCENARIOS_RELATIVE);
        if (n > 0 && (size_t)n < sizeof installed && stat(installed, &st) == 0
            && S_ISDIR(st.st_mode))
            return installed;
    }
#endif
    return UPAY_SUITE_DEFAULT_SCENARIOS;
}

/* A short tag unique to this run: merchants and generated numbers use it. */
static void make_run_tag(unsigned long long seed, char out[8])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long s = seed ^ ((unsigned long long)ts.tv_sec << 20) ^
                           (unsigned long long)ts.tv_nsec ^ ((unsigned long long)getpid() << 40);
    unsigned long long r = suite_rand_next(&s);
    for (int i = 0; i < 6; i++) {
        out[i] = digits[r % 36];
        r /= 36;
    }
    out[6] = '\0';
}

int suite_cli_main(int argc, char **argv, FILE *out, FILE *errout)
{
    suite_options o;
    suite_buf err = {0};
    suite_set set = {0};
    suite_scenario **items = NULL;
    suite_outcome *outcomes = NULL;
    suite_target target;
    int target_open = 0;
    size_t n = 0;
    double total = 0.0;
    int status = SUITE_EXIT_USAGE;
    memset(&target, 0, sizeof target);

    if (argc > 1 && strcmp(argv[1], "record") == 0)
        return suite_record_main(argc - 1, argv + 1, out, errout);
    if (argc > 1 && strcmp(argv[1], "client") == 0)
        return suite_client_main(argc - 1, argv + 1, out, errout);
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        fprintf(out, "upay-suite %s\n", UPAY_VERSION);
        return SUITE_EXIT_OK;
    }
    int parsed = suite_options_parse(argc, argv, &o, &err) == 0 &&
                 suite_options_finish(&o, &err) == 0;
    suite_bail_to to = {.prog = "upay-suite", .tap = o.tap ? out : NULL, .junit = o.junit,
                        .errout = errout};
    if (!parsed) {
        status = suite_bail(&to, SUITE_EXIT_USAGE, "usage", suite_buf_str(&err));
        goto done;
    }
    if (o.help) {
        suite_options_usage(out);
        status = SUITE_EXIT_OK;
        goto done;
    }
    FILE *console = o.tap ? errout : out;

    /* The report must be writable before anything runs. */
    if (o.junit && !o.list && suite_output_check(o.junit, &err) != 0) {
        status = suite_bail(&to, SUITE_EXIT_USAGE, "output", suite_buf_str(&err));
        goto done;
    }

    /* Load and select. */
    int problems = 0;
    if (o.npaths == 0)
        problems = suite_load_path(&set, default_path(), &err);
    for (size_t i = 0; i < o.npaths; i++)
        problems += suite_load_path(&set, o.paths[i], &err);
    if (problems) {
        suite_buf_printf(&err, "%d problem(s) in the scenario files\n", problems);
        status = suite_bail(&to, SUITE_EXIT_USAGE, "scenarios", suite_buf_str(&err));
        goto done;
    }
    if (suite_select(&set, &o.filter, &items, &n) != 0) {
        status = suite_bail(&to, SUITE_EXIT_USAGE, "memory", "out of memory");
        goto done;
    }
    unsigned long long seed = o.has_seed ? o.seed : (unsigned long long)time(NULL);
    if (o.random)
        suite_shuffle(items, n, seed);
    if (o.list) {
        suite_list_write(out, items, n);
        status = SUITE_EXIT_OK;
        goto done;
    }
    if (n == 0) {
        /* An empty shard or filter is a selection, not an error: nothing failed. */
        fprintf(console, "upay-suite: no scenario selected (of %zu loaded)\n", set.count);
        suite_console_summary(console, NULL, 0, 0.0);
        status = SUITE_EXIT_OK;
        goto report;
    }

    /* The target: reached once before the run, or nothing runs. */
    if (o.target ? suite_target_open_url(&target, o.target, &err) != 0
                 : suite_target_start_embedded(&target, seed, o.dialect, o.anonymous,
                                               &err) != 0) {
        status = suite_bail(&to, o.target ? SUITE_EXIT_USAGE : SUITE_EXIT_TARGET,
                            o.target ? "usage" : "target", suite_buf_str(&err));
        goto done;
    }
    target_open = 1;
    target.insecure = o.insecure;
    if (suite_target_reach(&target, &err) != 0) {
        status = suite_bail(&to, SUITE_EXIT_TARGET, "target", suite_buf_str(&err));
        goto done;
    }
    if (o.dialect)
        snprintf(target.dialect, sizeof target.dialect, "%s", o.dialect);
    suite_target_probe(&target);
    const char *agent = o.agent_id, *key = o.key;
    if ((!agent || !key) && (target.has_mock || target.anonymous)) {
        agent = MOCK_BUILTIN_AGENT_1;   /* a mock: its built-in agent */
        key = MOCK_BUILTIN_KEY_1;
    }
    if (!agent || !key) {
        suite_buf_printf(&err, "%s has no mock control: give --agent-id and --key "
                               "(or UPAY_AGENT_ID, UPAY_KEY, a --profile)", target.gateway_url);
        status = suite_bail(&to, SUITE_EXIT_USAGE, "usage", suite_buf_str(&err));
        goto done;
    }
    if (target.has_mock) {
        if (!suite_vars_get(o.vars, "agent2"))
            suite_vars_set(o.vars, "agent2", MOCK_BUILTIN_AGENT_2);
        if (!suite_vars_get(o.vars, "key2"))
            suite_vars_set(o.vars, "key2", MOCK_BUILTIN_KEY_2);
    }

    char tag[8];
    make_run_tag(seed, tag);
    fprintf(console, "upay-suite: %zu scenario(s) against %s (%s%s, %s dialect, %s), "
                     "seed %llu%s\n", n, target.gateway_url,
            target.anonymous ? "anonymous embedded upay-mock"
                             : target.embedded ? "embedded upay-mock" : "remote",
            target.has_mock ? ", mock control" : ", no mock control", target.dialect,
            target.is_upay_mock ? "upay-mock: decisions checked"
                                : "not upay-mock: decisions are fidelity notes",
            seed, o.random ? ", random order" : "");
    fflush(console);

    outcomes = calloc(n, sizeof *outcomes);
    if (!outcomes) {
        status = suite_bail(&to, SUITE_EXIT_USAGE, "memory", "out of memory");
        goto done;
    }
    suite_run_config cfg = {
        .target = &target,
        .agent_id = agent,
        .key = key,
        .mch_id = o.mch_id,
        .vars = o.vars,
        .jobs = o.jobs,
        .run_tag = tag,
        .seed = seed,
        .interactive = !o.no_prompt && isatty(STDIN_FILENO),
        .lint = o.lint,
        .progress = o.quiet ? NULL : suite_console_progress,
        .progress_userdata = console,
    };
    double start = suite_now_ms();
    if (suite_run(&cfg, items, n, outcomes) != 0)
        fprintf(errout, "upay-suite: the run could not start\n");
    total = suite_now_ms() - start;

    if (o.quiet)
        for (size_t i = 0; i < n; i++)
            if (outcomes[i].status == SUITE_FAIL)
                suite_console_progress(&outcomes[i], i + 1, n, console);
    suite_counts c = suite_count(outcomes, n);
    status = c.failed ? SUITE_EXIT_FAILED : SUITE_EXIT_OK;
    suite_console_summary(console, outcomes, n, total);
report:
    if (o.tap)
        suite_tap_write(out, outcomes, outcomes ? n : 0);
    if (o.junit) {
        suite_buf jerr = {0};
        if (suite_junit_write(o.junit, outcomes, outcomes ? n : 0, total, &jerr) != 0) {
            fprintf(errout, "upay-suite: %s\n", suite_buf_str(&jerr));
            status = SUITE_EXIT_USAGE;
        }
        suite_buf_free(&jerr);
    }
done:
    if (outcomes)
        for (size_t i = 0; i < n; i++)
            suite_outcome_clear(&outcomes[i]);
    free(outcomes);
    if (target_open)
        suite_target_close(&target);
    free(items);
    suite_set_free(&set);
    suite_options_free(&o);
    suite_buf_free(&err);
    return status;
}
