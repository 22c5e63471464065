/*
 * server/domain/ids.h - the ids and nonces the mock hands out: 28-digit
 * transaction_id / refund_id style numbers and 32-hex-digit nonce_str.
 *
 * A seeded generator (--seed) makes every id and nonce reproducible for the
 * same sequence of requests; without a seed the generator starts from
 * OpenSSL's RAND_bytes. Thread-safe (one small lock around the state).
 *
 * Ids are shaped PREFIX(10) + yyyyMMdd (GMT+8, merchant's clock) + random
 * digits, like the API pages' examples. Random digits can collide: the
 * store's unique indexes catch that and the caller draws again.
 */
#ifndef UPAY_MOCK_IDS_H
#define UPAY_MOCK_IDS_H

#include <stdint.h>

/* Buffer sizes, NUL included. */
#define MOCK_ID_SIZE 29         /* every id: 28 digits */
#define MOCK_NONCE_SIZE 33      /* 32 lower-case hex digits */

typedef struct mock_ids mock_ids;

/*
 * One step of splitmix64 (Steele, Lea and Flood): advances `*state` and
 * returns 64 well-mixed bits. Seeds the generator below, and stretches
 * calls/answer.c's stable made-up identifiers.
 */
static inline uint64_t mock_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/*
 * A generator seeded with `seed` when `has_seed` is nonzero, else from
 * RAND_bytes. NULL when memory runs out or RAND_bytes fails.
 */
mock_ids *mock_ids_new(int has_seed, uint64_t seed);

/* Free the generator. NULL is a no-op. */
void mock_ids_free(mock_ids *ids);

/*
 * Mix `salt` into the state (deterministically). The mock mixes in the
 * number of stored orders and refunds when it reopens a state file, so a
 * seeded run after a restart does not replay the ids it already gave.
 */
void mock_ids_mix(mock_ids *ids, uint64_t salt);

/* The next 64 random bits. */
uint64_t mock_ids_next(mock_ids *ids);

/* A fresh nonce_str: 32 lower-case hex digits. */
void mock_ids_nonce(mock_ids *ids, char out[MOCK_NONCE_SIZE]);

/* Kinds of ids, each with its own prefix. */
typedef enum mock_id_kind {
    MOCK_ID_TRANSACTION,        /* transaction_id: the gateway's trade number */
    MOCK_ID_WALLET_TRADE,       /* out_transaction_id: the wallet's trade number */
    MOCK_ID_REFUND,             /* refund_id: the gateway's refund number */
    MOCK_ID_WALLET_REFUND       /* out_refund_id: the wallet's refund number */
} mock_id_kind;

/*
 * A fresh 28-digit id of `kind` for time `now`: a prefix of the kind, the
 * GMT+8 date, then 10 digits. For the gateway's own ids (transaction_id,
 * refund_id) those digits are a sequence, as a real gateway's are: the store
 * indexes them, and increasing keys are appended to the index instead of
 * landing on a random page (pay got slower as the store grew:
 * docs/performance.md). The wallets' ids are random.
 */
void mock_ids_make(mock_ids *ids, mock_id_kind kind, long long now, char out[MOCK_ID_SIZE]);

/*
 * Continue the sequence after `last` (the last 10 digits of the largest id
 * already stored), so a restart over a state file never repeats an id.
 */
void mock_ids_continue_after(mock_ids *ids, uint64_t last);

#endif /* UPAY_MOCK_IDS_H */
