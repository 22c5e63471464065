/*
 * tests/fuzz/fuzz_scenario.c - libFuzzer target of upay-suite's scenario
 * loader (suite_load_text). Any text: no crash, no leak, no UB; every
 * scenario a clean load yields has a name and a step.
 */
#include <string.h>

#include "fuzz.h"
#include "scenario.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    suite_set set;
    memset(&set, 0, sizeof set);
    suite_buf errors;
    memset(&errors, 0, sizeof errors);
    int problems = suite_load_text(&set, text, "fuzz.json", &errors);
    free(text);
    FUZZ_CHECK(problems >= 0, "negative problem count");
    if (problems == 0 && !errors.oom) {
        for (size_t i = 0; i < set.count; i++)
            /* rules are optional outside the project's library (docs/scenarios.md) */
            FUZZ_CHECK(set.items[i]->name && set.items[i]->name[0] && set.items[i]->nsteps >= 1,
                       "scenario %zu loaded without name or step", i);
    } else {
        FUZZ_CHECK(errors.oom || (errors.len > 0), "problems but no message");
    }
    suite_set_free(&set);
    suite_buf_free(&errors);
    return 0;
}
