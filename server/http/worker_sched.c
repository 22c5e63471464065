/*
 * server/http/worker_sched.c - the workers' scheduling policy (see worker_sched.h).
 */
#define _GNU_SOURCE   /* SCHED_BATCH */
#include "http/worker_sched.h"

#include <sched.h>

int mock_worker_sched_batch(void)
{
#ifdef SCHED_BATCH
    struct sched_param param = {0};
    return sched_setscheduler(0, SCHED_BATCH, &param) == 0 ? 0 : -1;
#else
    return -1;
#endif
}
