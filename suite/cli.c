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
    int status = 2;
    memset(&target, 0, sizeof target);

    if (argc > 1 && strcmp(argv[1], "record") == 0)
        return suite_record_main(argc - 1, argv + 1, out, errout);
    if (argc > 1 && strcmp(argv[1], "client") == 0)
        return suite_client_main(argc - 1, argv + 1, out, errout);
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        fprintf(out, "upay-suite %s\n", UPAY_VERSION);
        return 0;
    }
    if (suite_options_parse(argc, argv, &o, &err) != 0 || suite_options_finish(&o, &err) != 0) {
        fprintf(errout, "upay-suite: %s\n", suite_buf_str(&err));
        goto done;
    }
    if (o.help) {
        suite_options_usage(out);
        status = 0;
        goto done;
    }
    FILE *console = o.tap ? errout : out;

    /* Load and select. */
    int problems = 0;
    if (o.npaths == 0)
        problems = suite_load_path(&set, default_path(), &err);
    for (size_t i = 0; i < o.npaths; i++)
        problems += suite_load_path(&set, o.paths[i], &err);
    if (problems) {
        fprintf(errout, "%supay-suite: %d problem(s) in the scenario files\n", suite_buf_str(&err),
                problems);
        goto done;
    }
    if (suite_select(&set, &o.filter, &items, &n) != 0) {
        fprintf(errout, "upay-suite: out of memory\n");
        goto done;
    }
    unsigned long long seed = o.has_seed ? o.seed : (unsigned long long)time(NULL);
    if (o.random)
        suite_shuffle(items, n, seed);
    if (o.list) {
        suite_list_write(out, items, n);
        status = 0;
        goto done;
    }
    if (n == 0) {
        fprintf(errout, "upay-suite: no scenario matches\n");
        goto done;
    }

    /* The target. */
    if (o.target ? suite_target_open_url(&target, o.target, &err) != 0
                 : suite_target_start_embedded(&target, seed, o.dialect, o.anonymous,
                                               &err) != 0) {
        fprintf(errout, "upay-suite: %s\n", suite_buf_str(&err));
        goto done;
    }
    target_open = 1;
    target.insecure = o.insecure;
    if (o.dialect)
        snprintf(target.dialect, sizeof target.dialect, "%s", o.dialect);
    suite_target_probe(&target);
    const char *agent = o.agent_id, *key = o.key;
    if ((!agent || !key) && (target.has_mock || target.anonymous)) {
        agent = MOCK_BUILTIN_AGENT_1;   /* a mock: its built-in agent */
        key = MOCK_BUILTIN_KEY_1;
    }
    if (!agent || !key) {
        fprintf(errout, "upay-suite: %s has no mock control: give --agent-id and --key "
                        "(or UPAY_AGENT_ID, UPAY_KEY, a --profile)\n", target.gateway_url);
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
        fprintf(errout, "upay-suite: out of memory\n");
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
    double total = suite_now_ms() - start;

    if (o.quiet)
        for (size_t i = 0; i < n; i++)
            if (outcomes[i].status == SUITE_FAIL)
                suite_console_progress(&outcomes[i], i + 1, n, console);
    suite_console_summary(console, outcomes, n, total);
    if (o.tap)
        suite_tap_write(out, outcomes, n);
    suite_counts c = suite_count(outcomes, n);
    status = c.failed ? 1 : 0;
    if (o.junit) {
        suite_buf jerr = {0};
        if (suite_junit_write(o.junit, outcomes, n, total, &jerr) != 0) {
            fprintf(errout, "upay-suite: %s\n", suite_buf_str(&jerr));
            status = 2;
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
