/*
 * server/main.c - the upay-mock program: command-line options only; the
 * gateway itself is mock_server_start() (http/server.c). Prints one line when
 * ready and serves until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"
#include "upay_version.h"
#include "core/heap.h"
#include "observe/journal.h"
#include "domain/persona.h"

static void usage(FILE *out)
{
    fputs(
        "usage: upay-mock [options]\n"
        "\n"
        "An offline UnifiedPay gateway: POST /UnifiedPay/Gateway (pay, orderquery, refund,\n"
        "refundquery, cancel; the agent's key signs), POST /v2/UnifiedPay/Gateway (the\n"
        "merchant's key signs) and an admin API under /mock/. See docs/mock.md.\n"
        "\n"
        "  --listen HOST:PORT   address to serve (default 127.0.0.1:8080; port 0 picks a\n"
        "                       free port). When ready, prints exactly one line:\n"
        "                       upay-mock listening on http://HOST:PORT\n"
        "  --config FILE        JSON file of agents, keys and merchants (default: the\n"
        "                       built-in agents 13000000000000001 / 13000000000000002)\n"
        "  --state FILE         keep all state in this SQLite file across restarts\n"
        "                       (default: in memory, lost at exit)\n"
        "  --seed N             make ids and nonces reproducible (N: unsigned integer)\n"
        "  --tls-cert FILE      PEM certificate; with --tls-key, serve HTTPS\n"
        "  --tls-key FILE       PEM private key\n"
        "  --strict-merchants   accept only merchants listed in --config (default: an\n"
        "                       unknown mch_id is created on first use)\n"
        "  --admin-token T      let any client use /mock/ with 'Authorization: Bearer T'\n"
        "                       (default: /mock/ answers loopback clients only)\n"
        "  --frozen-clock       real time stops at start: merchant clocks move only\n"
        "                       through POST /mock/clock (exact time-boundary tests)\n"
        "  --dialect seed|live  seed (default): the 2018 pages plus docs/protocol.md;\n"
        "                       live: the vendor's v3.2.1 v1/v2 API (unsigned refusals,\n"
        "                       pid and version required, ...; docs/mock.md \"Dialects\")\n"
        "  --min-version X.Y    answer state=VER to a request whose version is older\n"
        "  --journal-size N     exchanges GET /mock/journal keeps (default 2048, 16 to\n"
        "                       1048576); each merchant keeps at most a quarter of them;\n"
        "                       overrides the config file's \"journal_size\"\n"
        "  --quiet              log nothing to stderr\n"
        "  --verbose            log every gateway answer, with its X-Upay-Detail\n"
        "  --proxy URL          recording proxy: forward every gateway request to URL\n"
        "                       (e.g. the live gateway) and journal both sides, for\n"
        "                       'upay-suite record' (docs/edge-cases.md)\n"
        "  --notify-allow HOST[:PORT]  scan-to-pay notifications may also go to this\n"
        "                       host (any port without :PORT); repeatable. Default:\n"
        "                       loopback only (docs/scan-to-pay.md)\n"
        "  --retain DURATION    forget merchants, orders and refunds with no exchange for\n"
        "                       this long on the global clock (1h, 30m, 7d, seconds, or\n"
        "                       never; default 24h in memory, never with --state)\n"
        "  --help               this text\n"
        "  --version            print 'upay-mock VERSION' and exit\n"
        "\n"
        "Built-in agents and keys:\n"
        "  13000000000000001  UPAYMOCK000000000000000000000001\n"
        "  13000000000000002  UPAYMOCK000000000000000000000002\n"
        "\n"
        "Personas (last four digits of a valid auth_code):\n", out);
    unsigned n;
    const mock_persona *p = mock_persona_table(&n);
    for (unsigned i = 0; i < n; i++)
        fprintf(out, "  %s  %s\n", p[i].suffix, p[i].summary);
    fputs("  other pays at once; refunds settle at once\n"
          "\n"
          "SIGINT or SIGTERM stops the mock cleanly.\n", out);
}

static int parse_seed(const char *text, unsigned long long *out)
{
    if (!text || !*text || *text == '-')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    mock_options opts;
    static char notify_allow[2048];   /* every --notify-allow, comma-separated */
    memset(&opts, 0, sizeof opts);
    mock_heap_tune();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **target = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("upay-mock %s\n", UPAY_VERSION);
            return 0;
        } else if (strcmp(a, "--strict-merchants") == 0) {
            opts.strict_merchants = 1;
            continue;
        } else if (strcmp(a, "--quiet") == 0) {
            opts.quiet = 1;
            continue;
        } else if (strcmp(a, "--verbose") == 0) {
            opts.verbose = 1;
            continue;
        } else if (strcmp(a, "--dialect") == 0) {
            target = &opts.dialect;
        } else if (strcmp(a, "--min-version") == 0) {
            target = &opts.min_version;
        } else if (strcmp(a, "--frozen-clock") == 0) {
            opts.frozen_clock = 1;
            continue;
        } else if (strcmp(a, "--listen") == 0) {
            target = &opts.listen;
        } else if (strcmp(a, "--config") == 0) {
            target = &opts.config_path;
        } else if (strcmp(a, "--state") == 0) {
            target = &opts.state_path;
        } else if (strcmp(a, "--tls-cert") == 0) {
            target = &opts.tls_cert;
        } else if (strcmp(a, "--tls-key") == 0) {
            target = &opts.tls_key;
        } else if (strcmp(a, "--admin-token") == 0) {
            target = &opts.admin_token;
        } else if (strcmp(a, "--proxy") == 0) {
            target = &opts.proxy_url;
        } else if (strcmp(a, "--notify-allow") == 0) {
            size_t used = strlen(notify_allow);
            if (i + 1 >= argc || !*argv[i + 1]
                || used + strlen(argv[i + 1]) + 2 > sizeof notify_allow) {
                fprintf(stderr, "upay-mock: --notify-allow wants HOST or HOST:PORT\n");
                return 2;
            }
            snprintf(notify_allow + used, sizeof notify_allow - used, "%s%s", used ? "," : "",
                     argv[++i]);
            opts.notify_allow = notify_allow;
            continue;
        } else if (strcmp(a, "--retain") == 0) {
            target = &opts.retain;
        } else if (strcmp(a, "--seed") == 0) {
            if (i + 1 >= argc || parse_seed(argv[i + 1], &opts.seed) != 0) {
                fprintf(stderr, "upay-mock: --seed wants an unsigned integer\n");
                return 2;
            }
            opts.has_seed = 1;
            i++;
            continue;
        } else if (strcmp(a, "--journal-size") == 0) {
            unsigned long long size = 0;
            if (i + 1 >= argc || parse_seed(argv[i + 1], &size) != 0
                || size < MOCK_JOURNAL_SIZE_MIN || size > MOCK_JOURNAL_SIZE_MAX) {
                fprintf(stderr, "upay-mock: --journal-size wants a number from 16 to 1048576\n");
                return 2;
            }
            opts.journal_size = (size_t)size;
            i++;
            continue;
        } else {
            fprintf(stderr, "upay-mock: unknown option %s (try --help)\n", a);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "upay-mock: %s needs a value\n", a);
            return 2;
        }
        *target = argv[++i];
    }

    /* Block the stop signals in every thread; main waits for them below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    char err[512];
    mock_server *server = mock_server_start(&opts, err, sizeof err);
    if (!server) {
        fprintf(stderr, "upay-mock: %s\n", err);
        return 1;
    }
    printf("upay-mock listening on %s\n", mock_server_url(server));
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    if (!opts.quiet)
        fprintf(stderr, "upay-mock: signal %d, stopping\n", sig);
    mock_server_stop(server);
    return 0;
}
