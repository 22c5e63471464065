/*
 * server/domain/ids.c - ids and nonces from a small seeded generator (splitmix64
 * feeding xoshiro256**), see ids.h.
 */
#include "domain/ids.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <upay/protocol.h>

struct mock_ids {
    pthread_mutex_t lock;
    uint64_t s[4];
    uint64_t seq;      /* next sequence number of transaction_id / refund_id */
};

#define SEQ_MODULUS 10000000000ULL   /* 10 digits */

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static void seed_state(uint64_t s[4], uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        s[i] = mock_splitmix64(&x);
}

/* xoshiro256**; caller holds the lock. */
static uint64_t next_locked(uint64_t s[4])
{
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

mock_ids *mock_ids_new(int has_seed, uint64_t seed)
{
    if (!has_seed && RAND_bytes((unsigned char *)&seed, sizeof seed) != 1)
        return NULL;
    mock_ids *ids = calloc(1, sizeof *ids);
    if (!ids)
        return NULL;
    if (pthread_mutex_init(&ids->lock, NULL) != 0) {
        free(ids);
        return NULL;
    }
    seed_state(ids->s, seed);
    /* Start low in the 10-digit space, so the sequence never wraps in practice. */
    ids->seq = next_locked(ids->s) % (SEQ_MODULUS / 10);
    return ids;
}

void mock_ids_free(mock_ids *ids)
{
    if (!ids)
        return;
    pthread_mutex_destroy(&ids->lock);
    free(ids);
}

void mock_ids_mix(mock_ids *ids, uint64_t salt)
{
    pthread_mutex_lock(&ids->lock);
    uint64_t x = next_locked(ids->s) ^ salt;
    seed_state(ids->s, mock_splitmix64(&x));
    pthread_mutex_unlock(&ids->lock);
}

uint64_t mock_ids_next(mock_ids *ids)
{
    pthread_mutex_lock(&ids->lock);
    uint64_t v = next_locked(ids->s);
    pthread_mutex_unlock(&ids->lock);
    return v;
}

void mock_ids_nonce(mock_ids *ids, char out[MOCK_NONCE_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t a, b;
    pthread_mutex_lock(&ids->lock);
    a = next_locked(ids->s);
    b = next_locked(ids->s);
    pthread_mutex_unlock(&ids->lock);
    for (int i = 0; i < 16; i++) {
        out[i] = hex[(a >> (60 - 4 * i)) & 0xF];
        out[16 + i] = hex[(b >> (60 - 4 * i)) & 0xF];
    }
    out[32] = '\0';
}

/* yyyyMMdd of `now` in GMT+8 into out[9] (libupay's clock format, cut to the date). */
static void gmt8_date(long long now, char out[9])
{
    char full[15];
    if (upay_time_format((time_t)now, full) != UPAY_OK)
        memcpy(full, "19700101000000", sizeof full);
    memcpy(out, full, 8);
    out[8] = '\0';
}

void mock_ids_make(mock_ids *ids, mock_id_kind kind, long long now, char out[MOCK_ID_SIZE])
{
    const char *prefix;
    const int random_digits = 10;
    switch (kind) {
    case MOCK_ID_TRANSACTION: prefix = "7551000001"; break;
    case MOCK_ID_WALLET_TRADE: prefix = "4200000001"; break;
    case MOCK_ID_REFUND: prefix = "7552000001"; break;
    case MOCK_ID_WALLET_REFUND: prefix = "5000020330"; break;
    default: prefix = "7550000000"; break;
    }
    char date[9];
    gmt8_date(now, date);
    uint64_t r;
    if (kind == MOCK_ID_TRANSACTION || kind == MOCK_ID_REFUND) {
        pthread_mutex_lock(&ids->lock);
        do   /* never 0: an order's id is its transaction_id's sequence (server/store/store.c) */
            r = ids->seq++ % SEQ_MODULUS;
        while (r == 0);
        pthread_mutex_unlock(&ids->lock);
    } else {
        r = mock_ids_next(ids);
    }
    memcpy(out, prefix, 10);
    memcpy(out + 10, date, 8);
    /* 10 decimal digits take 34 bits; the remainder bias of random ones is negligible. */
    for (int i = random_digits - 1; i >= 0; i--) {
        out[18 + i] = (char)('0' + r % 10);
        r /= 10;
    }
    out[18 + random_digits] = '\0';
}

void mock_ids_continue_after(mock_ids *ids, uint64_t last)
{
    pthread_mutex_lock(&ids->lock);
    if (ids->seq <= last)
        ids->seq = last + 1;
    pthread_mutex_unlock(&ids->lock);
}
