/*
 * flow.c - the machinery both flows share: options and their defaults, the
 * flow clock and injectable sleep, and the report of steps. The flows
 * themselves are in flow_barcode.c and flow_refund.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow_internal.h"
#include "error_detail.h"

void upay_flow_options_init(upay_flow_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->poll_interval = 5;
    o->deadline = 60;
    o->cancel_delay = 15;
    o->cancel_retries = 3;
    o->refund_retries = 3;
    o->retry_interval = 5;
}

const char *upay_flow_outcome_name(upay_flow_outcome outcome)
{
    switch (outcome) {
    case UPAY_FLOW_UNKNOWN: return "UNKNOWN";
    case UPAY_FLOW_PAID: return "PAID";
    case UPAY_FLOW_NOT_PAID: return "NOT_PAID";
    case UPAY_FLOW_CANCELLED: return "CANCELLED";
    case UPAY_FLOW_REFUNDED: return "REFUNDED";
    case UPAY_FLOW_NOT_REFUNDED: return "NOT_REFUNDED";
    }
    return "?";
}

void upay_flow_report_free(upay_flow_report *report)
{
    if (!report)
        return;
    for (size_t i = 0; i < report->step_count; i++) {
        /* Owned by the report; const only for the caller. */
        upay_result_free((upay_result *)report->steps[i].result);
        free((char *)report->steps[i].note);
    }
    free((upay_flow_step *)report->steps);
    free(report);
}

static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void real_sleep(unsigned seconds, void *userdata)
{
    (void)userdata;
    struct timespec left = {(time_t)seconds, 0};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

upay_code upay__flow_begin(upay__flow *f, upay_client *client, const upay_flow_options *opts,
                           upay_error *err)
{
    memset(f, 0, sizeof *f);
    f->client = client;
    if (opts)
        f->opts = *opts;
    else
        upay_flow_options_init(&f->opts);
    if (f->opts.poll_interval == 0)
        return upay__error_set(err, UPAY_E_INVALID_ARG, 0, "poll_interval must be at least 1 s");
    f->injected = f->opts.sleep != NULL;
    if (!f->injected)
        f->opts.sleep = real_sleep;
    f->report = calloc(1, sizeof *f->report);
    if (!f->report)
        return upay__error_set(err, UPAY_E_NOMEM, 0, "out of memory starting the flow");
    f->started = monotonic();
    return UPAY_OK;
}

double upay__flow_now(const upay__flow *f)
{
    return f->injected ? f->slept : monotonic() - f->started;
}

/* Append a step; returns it, or NULL when memory runs out. */
static upay_flow_step *push_step(upay__flow *f)
{
    upay_flow_report *r = f->report;
    if (r->step_count == f->step_cap) {
        size_t cap = f->step_cap ? f->step_cap * 2 : 16;
        upay_flow_step *grown = realloc((upay_flow_step *)r->steps, cap * sizeof *grown);
        if (!grown) {
            f->nomem = 1;
            return NULL;
        }
        r->steps = grown;
        f->step_cap = cap;
    }
    upay_flow_step *s = (upay_flow_step *)&r->steps[r->step_count++];
    memset(s, 0, sizeof *s);
    return s;
}

static void announce(upay__flow *f, const upay_flow_step *s)
{
    if (f->opts.on_step)
        f->opts.on_step(s, f->opts.step_userdata);
}

void upay__flow_sleep(upay__flow *f, unsigned seconds, const char *note)
{
    if (seconds == 0)
        return;
    double at = upay__flow_now(f);
    f->opts.sleep(seconds, f->opts.sleep_userdata);
    f->slept += seconds;
    upay_flow_step *s = push_step(f);
    if (!s)
        return;
    s->kind = UPAY_STEP_SLEEP;
    s->method = "sleep";
    s->seconds = seconds;
    s->at = at;
    s->code = UPAY_OK;
    s->note = strdup(note ? note : "");
    if (!s->note) {
        f->nomem = 1;
        s->note = "";
        f->report->step_count--;
        return;
    }
    announce(f, s);
}

const upay_result *upay__flow_call(upay__flow *f, const char *method, unsigned attempt, double at,
                                   upay_code code, upay_result *result, const char *fmt, ...)
{
    char note[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    upay_flow_step *s = push_step(f);
    char *copy = s ? strdup(note) : NULL;
    if (!copy) {
        if (s)
            f->report->step_count--;
        f->nomem = 1;
        upay_result_free(result);
        return NULL;
    }
    s->kind = UPAY_STEP_CALL;
    s->method = method;
    s->attempt = attempt;
    s->at = at;
    s->code = code;
    s->outcome = result && code == UPAY_OK ? result->outcome : UPAY_OUTCOME_NONE;
    s->result = result;
    s->note = copy;
    announce(f, s);
    return result;
}

upay_code upay__flow_end(upay__flow *f, upay_flow_outcome outcome, const upay_result *final,
                         upay_code code, upay_flow_report **out)
{
    if (f->nomem) {
        /* A step is missing from the report: do not claim to know the outcome. */
        outcome = UPAY_FLOW_UNKNOWN;
        code = UPAY_E_NOMEM;
    }
    f->report->outcome = outcome;
    f->report->final_result = final;
    f->report->elapsed = upay__flow_now(f);
    *out = f->report;
    f->report = NULL;
    return code;
}

void upay__flow_abort(upay__flow *f)
{
    upay_flow_report_free(f->report);
    f->report = NULL;
}
