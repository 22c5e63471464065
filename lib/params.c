/*
 * params.c - the ordered parameter set (see upay/params.h).
 *
 * Entries sit in an array in insertion order. Each entry owns one block
 * "name\0value\0" and caches its name's hash and length, so the usual
 * linear search (requests have ~15 parameters) compares a hash before any
 * byte. Past INDEX_THRESHOLD entries an open-addressing index is kept as
 * well, so a hostile body of thousands of names stays linear overall.
 *
 * A set is made, filled and freed for every request and every answer of
 * the mock, so two things keep that cheap: a 64-bit mask of the names'
 * hashes answers most misses (a new name) without a search, and the
 * blocks come from one arena of ARENA_SIZE bytes per set, taken when the
 * first block is made, instead of one malloc each. Blocks that do not fit
 * are malloc'd as before. A block replaced by upay_params_set stays in
 * the arena until the set is freed: at most ARENA_SIZE bytes are wasted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "upay/params.h"

#define INDEX_THRESHOLD 32
/* Under glibc's 1 KiB "large request" size, as the entries' array. */
#define ARENA_SIZE 960

struct entry {
    char *name;      /* start of the owned block */
    char *value;     /* inside the same block */
    size_t name_len;
    uint32_t hash;
    int own_block;   /* 1: malloc'd, 0: inside the arena */
};

struct upay_params {
    struct entry *items;
    size_t count;
    size_t cap;
    uint32_t *index;   /* slot = item position + 1, 0 = empty; NULL when small */
    size_t index_cap;  /* power of two, at least 2 * count */
    uint64_t names;    /* bit (hash & 63) set for every name ever added */
    char *arena;       /* ARENA_SIZE bytes once a block was made, else NULL */
    size_t arena_used;
};

static uint64_t name_bit(uint32_t hash)
{
    return (uint64_t)1 << (hash & 63);
}

static uint32_t hash_name(const char *s, size_t *len_out)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    for (; p[n] != '\0'; n++) {
        h ^= p[n];
        h *= 16777619u;
    }
    *len_out = n;
    return h;
}

static void index_insert(upay_params *p, size_t pos)
{
    size_t mask = p->index_cap - 1;
    size_t slot = p->items[pos].hash & mask;
    while (p->index[slot] != 0)
        slot = (slot + 1) & mask;
    p->index[slot] = (uint32_t)(pos + 1);
}

/* (Re)build the index with room for `want` entries; drops it when small. */
static int index_rebuild(upay_params *p, size_t want)
{
    free(p->index);
    p->index = NULL;
    p->index_cap = 0;
    if (want <= INDEX_THRESHOLD)
        return 1;
    size_t cap = 64;
    while (cap < want * 2)
        cap *= 2;
    p->index = calloc(cap, sizeof *p->index);
    if (p->index == NULL)
        return 0;
    p->index_cap = cap;
    for (size_t i = 0; i < p->count; i++)
        index_insert(p, i);
    return 1;
}

/* Position of `name`, whose hash is `h` and length `len`, or -1. */
static long find_hashed(const upay_params *p, const char *name, uint32_t h, size_t len)
{
    if ((p->names & name_bit(h)) == 0)
        return -1;
    if (p->index != NULL) {
        size_t mask = p->index_cap - 1;
        for (size_t slot = h & mask; p->index[slot] != 0; slot = (slot + 1) & mask) {
            const struct entry *e = &p->items[p->index[slot] - 1];
            if (e->hash == h && e->name_len == len && memcmp(e->name, name, len) == 0)
                return (long)(p->index[slot] - 1);
        }
        return -1;
    }
    for (size_t i = 0; i < p->count; i++) {
        const struct entry *e = &p->items[i];
        if (e->hash == h && e->name_len == len && memcmp(e->name, name, len) == 0)
            return (long)i;
    }
    return -1;
}

/* Position of `name` or -1. */
static long find(const upay_params *p, const char *name)
{
    size_t len;
    uint32_t h = hash_name(name, &len);
    return find_hashed(p, name, h, len);
}

/* A block "name\0value\0" from the arena, or malloc'd (then *own = 1);
 * NULL when memory runs out. */
static char *make_block(upay_params *p, const char *name, size_t name_len, const char *value,
                        char **value_out, int *own)
{
    size_t value_len = strlen(value);
    size_t size = name_len + value_len + 2;
    if (p->arena == NULL && size <= ARENA_SIZE) {
        p->arena = malloc(ARENA_SIZE); /* out of memory: blocks are malloc'd below */
        p->arena_used = 0;
    }
    char *b;
    if (p->arena != NULL && size <= ARENA_SIZE - p->arena_used) {
        b = p->arena + p->arena_used;
        p->arena_used += size;
        *own = 0;
    } else {
        b = malloc(size);
        if (b == NULL)
            return NULL;
        *own = 1;
    }
    memcpy(b, name, name_len + 1);
    memcpy(b + name_len + 1, value, value_len + 1);
    *value_out = b + name_len + 1;
    return b;
}

/* Append `name` (hash `h`, length `len`: a caller that searched first hashed it once). */
static upay_code append_hashed(upay_params *p, const char *name, uint32_t h, size_t len,
                               const char *value)
{
    if (p->count == p->cap) {
        /* 24 entries (768 bytes) hold any answer of the protocol without a
         * realloc, and stay under glibc's 1 KiB "large request" size, which
         * would consolidate the fast bins on every answer. */
        size_t cap = p->cap == 0 ? 24 : p->cap * 2;
        struct entry *items = realloc(p->items, cap * sizeof *items);
        if (items == NULL)
            return UPAY_E_NOMEM;
        p->items = items;
        p->cap = cap;
    }
    if (p->count + 1 > INDEX_THRESHOLD && (p->count + 1) * 2 > p->index_cap) {
        if (!index_rebuild(p, p->cap)) /* cap >= count + 1 here */
            return UPAY_E_NOMEM;
    }
    struct entry *e = &p->items[p->count];
    e->hash = h;
    e->name_len = len;
    e->name = make_block(p, name, e->name_len, value, &e->value, &e->own_block);
    if (e->name == NULL)
        return UPAY_E_NOMEM;
    p->names |= name_bit(e->hash);
    p->count++;
    if (p->index != NULL)
        index_insert(p, p->count - 1);
    return UPAY_OK;
}

static upay_code append(upay_params *p, const char *name, const char *value)
{
    size_t len;
    uint32_t h = hash_name(name, &len);
    return append_hashed(p, name, h, len, value);
}

UPAY_API upay_params *upay_params_new(void)
{
    return calloc(1, sizeof(upay_params));
}

UPAY_API void upay_params_free(upay_params *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->count; i++)
        if (p->items[i].own_block)
            free(p->items[i].name);
    free(p->items);
    free(p->index);
    free(p->arena);
    free(p);
}

UPAY_API upay_params *upay_params_dup(const upay_params *p)
{
    if (p == NULL)
        return NULL;
    upay_params *d = upay_params_new();
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i < p->count; i++) {
        if (append(d, p->items[i].name, p->items[i].value) != UPAY_OK) {
            upay_params_free(d);
            return NULL;
        }
    }
    return d;
}

UPAY_API upay_code upay_params_set(upay_params *p, const char *name, const char *value)
{
    if (p == NULL || name == NULL || value == NULL)
        return UPAY_E_INVALID_ARG;
    size_t len;
    uint32_t h = hash_name(name, &len);
    long pos = find_hashed(p, name, h, len);
    if (pos < 0)
        return append_hashed(p, name, h, len, value);
    struct entry *e = &p->items[pos];
    char *v;
    int own;
    /* Build the new block before freeing the old: `name` or `value` may
     * point into it. */
    char *b = make_block(p, e->name, e->name_len, value, &v, &own);
    if (b == NULL)
        return UPAY_E_NOMEM;
    if (e->own_block)
        free(e->name);
    e->name = b;
    e->value = v;
    e->own_block = own;
    return UPAY_OK;
}

UPAY_API upay_code upay_params_add(upay_params *p, const char *name, const char *value)
{
    if (p == NULL || name == NULL || value == NULL)
        return UPAY_E_INVALID_ARG;
    size_t len;
    uint32_t h = hash_name(name, &len);
    if (find_hashed(p, name, h, len) >= 0)
        return UPAY_E_FORM_DUPLICATE;
    return append_hashed(p, name, h, len, value);
}

UPAY_API const char *upay_params_get(const upay_params *p, const char *name)
{
    if (p == NULL || name == NULL)
        return NULL;
    long pos = find(p, name);
    return pos < 0 ? NULL : p->items[pos].value;
}

UPAY_API int upay_params_remove(upay_params *p, const char *name)
{
    if (p == NULL || name == NULL)
        return 0;
    long pos = find(p, name);
    if (pos < 0)
        return 0;
    if (p->items[pos].own_block)
        free(p->items[pos].name);
    memmove(&p->items[pos], &p->items[pos + 1],
            (p->count - (size_t)pos - 1) * sizeof *p->items);
    p->count--;
    /* Positions moved: rebuild. Out of memory only drops the index, and the
     * set stays correct with the linear search. */
    if (p->index != NULL)
        (void)index_rebuild(p, p->count);
    return 1;
}

UPAY_API size_t upay_params_count(const upay_params *p)
{
    return p == NULL ? 0 : p->count;
}

UPAY_API const char *upay_params_name_at(const upay_params *p, size_t i)
{
    return p == NULL || i >= p->count ? NULL : p->items[i].name;
}

UPAY_API const char *upay_params_value_at(const upay_params *p, size_t i)
{
    return p == NULL || i >= p->count ? NULL : p->items[i].value;
}
