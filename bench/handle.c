/*
 * bench/handle.c - the gateway's work without the network: one thread calls
 * mock_gateway_handle() in a loop, so a profiler (callgrind, perf) sees only
 * the mock's own cost per request, deterministically.
 *
 * usage: upay-bench-handle SETUP_BODIES LOOP_BODIES COUNT
 * Answers every line of SETUP_BODIES once (to create the orders that the
 * loop queries), then answers the lines of LOOP_BODIES round robin, COUNT
 * requests in all. Prints "HANDLE requests=N us_per_req=X" and, on stderr,
 * how many answers were not SUCCESS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ctx.h"
#include "gateway/gateway.h"

typedef struct bodies {
    char **line;
    size_t count;
} bodies;

/* Read every line of `path`; 0 on success. */
static int bodies_read(const char *path, bodies *out)
{
    FILE *in = fopen(path, "r");
    if (!in)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    size_t room = 0;
    while ((n = getline(&line, &cap, in)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (out->count == room) {
            room = room ? room * 2 : 64;
            char **bigger = realloc(out->line, room * sizeof *bigger);
            if (!bigger)
                break;
            out->line = bigger;
        }
        out->line[out->count] = strdup(line);
        if (!out->line[out->count])
            break;
        out->count++;
    }
    free(line);
    fclose(in);
    return out->count ? 0 : -1;
}

static void bodies_free(bodies *b)
{
    for (size_t i = 0; i < b->count; i++)
        free(b->line[i]);
    free(b->line);
}

/* Answer one body; 1 when the answer is not a business SUCCESS. */
static int answer(mock_ctx *ctx, const char *body)
{
    mock_reply reply;
    mock_gateway_handle(ctx, "POST", "application/x-www-form-urlencoded", body, strlen(body),
                        &reply);
    int bad = reply.status != 200 || !strstr(reply.body, "\"state\":\"SUCCESS\"");
    mock_reply_free(&reply);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s SETUP_BODIES LOOP_BODIES COUNT\n", argv[0]);
        return 2;
    }
    bodies setup = {0}, loop = {0};
    long count = strtol(argv[3], NULL, 10);
    if (bodies_read(argv[1], &setup) != 0 || bodies_read(argv[2], &loop) != 0 || count <= 0) {
        fprintf(stderr, "cannot read the bodies (or COUNT is not positive)\n");
        return 2;
    }
    char err[256];
    mock_options opts;
    memset(&opts, 0, sizeof opts);
    opts.has_seed = 1;
    opts.seed = 1;
    mock_ctx *ctx = mock_ctx_new(&opts, err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    long bad = 0;
    for (size_t i = 0; i < setup.count; i++)
        bad += answer(ctx, setup.line[i]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < count; i++)
        bad += answer(ctx, loop.line[(size_t)i % loop.count]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3);
    printf("HANDLE requests=%ld us_per_req=%.2f\n", count, us / (double)count);
    if (bad)
        fprintf(stderr, "%ld answers were not SUCCESS\n", bad);
    mock_ctx_free(ctx);
    bodies_free(&setup);
    bodies_free(&loop);
    return 0;
}
