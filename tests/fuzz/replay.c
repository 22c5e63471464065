/*
 * tests/fuzz/replay.c - a main() for the fuzz targets in builds without
 * libFuzzer (gcc, the sanitizer build): runs every file named on the
 * command line (a directory: every file in it) through the target once.
 * CTest uses it to replay the seed corpora, so the targets and their
 * oracles stay built and passing in every build.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return -1;
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, int *files)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: no such file %s\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*files)++;
        return run_file(path);
    }
    DIR *d = opendir(path);
    if (!d)
        return -1;
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < sizeof names / sizeof names[0])
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], name_cmp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, names[i] ? names[i] : "");
        if (names[i] && run_path(full, files) != 0)
            rc = -1;
        free(names[i]);
    }
    return rc;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int files = 0, rc = 0;
    for (int i = 1; i < argc; i++)
        if (run_path(argv[i], &files) != 0)
            rc = 1;
    printf("replayed %d input(s)\n", files);
    return rc || files == 0;
}
