/*
 * bench/fill.c - stores many paid orders in a running mock through libupay.
 *
 * usage: upay-bench-fill BASE_URL COUNT THREADS MCH_ID PREFIX
 * Each thread has its own client handle and pays COUNT/THREADS orders with
 * unique out_trade_no PREFIX<thread>_<n, 7 digits>. Prints the elapsed seconds and
 * exits non-zero if any pay was not paid at once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <upay.h>

struct job {
    const char *url, *mch, *prefix;
    long count;
    int index;
    long failures;
};

static void *pay_many(void *arg)
{
    struct job *job = arg;
    upay_client *client = upay_client_new();
    if (!client || upay_client_set_url(client, job->url) != UPAY_OK ||
        upay_client_set_agent(client, "13000000000000001") != UPAY_OK ||
        upay_client_set_key(client, "UPAYMOCK000000000000000000000001") != UPAY_OK) {
        job->failures = job->count;
        upay_client_free(client);
        return NULL;
    }
    for (long i = 0; i < job->count; i++) {
        char trade[40];
        snprintf(trade, sizeof trade, "%s%d_%07ld", job->prefix, job->index, i);
        upay_pay_request req = {0};
        req.mch_id = job->mch;
        req.out_trade_no = trade;
        req.body = "bench";
        req.total_fee = 100;
        req.auth_code = "134567890123450000";
        upay_result *res = NULL;
        if (upay_pay(client, &req, &res, NULL) != UPAY_OK ||
            res->outcome != UPAY_OUTCOME_SUCCESS)
            job->failures++;
        upay_result_free(res);
    }
    upay_client_free(client);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s BASE_URL COUNT THREADS MCH_ID PREFIX\n", argv[0]);
        return 2;
    }
    long count = strtol(argv[2], NULL, 10);
    int threads = atoi(argv[3]);
    if (count < 1 || threads < 1 || threads > 64)
        return 2;
    struct job jobs[64];
    pthread_t tid[64];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job){argv[1], argv[4], argv[5], count / threads + (i < count % threads),
                               i, 0};
        pthread_create(&tid[i], NULL, pay_many, &jobs[i]);
    }
    long failures = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        failures += jobs[i].failures;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("FILL orders=%ld failures=%ld seconds=%.3f\n", count, failures,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return failures ? 1 : 0;
}
