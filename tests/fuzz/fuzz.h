/*
 * tests/fuzz/fuzz.h - what every fuzz target shares: the libFuzzer entry
 * points, and FUZZ_CHECK, which aborts (a crash libFuzzer reports with the
 * input) when a target's own oracle finds a wrong result.
 */
#ifndef UPAY_FUZZ_H
#define UPAY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                    \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: oracle failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
            abort();                                                             \
        }                                                                        \
    } while (0)

#endif /* UPAY_FUZZ_H */
