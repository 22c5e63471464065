/*
 * upay/common.h - definitions shared by every libupay header: the export
 * macro, C++ linkage guards and upay_free().
 */
#ifndef UPAY_COMMON_H
#define UPAY_COMMON_H

#include <stddef.h>

#if defined(UPAY_BUILDING_LIBRARY) && defined(__GNUC__)
#define UPAY_API __attribute__((visibility("default")))
#else
#define UPAY_API
#endif

#ifdef __cplusplus
#define UPAY_BEGIN_DECLS extern "C" {
#define UPAY_END_DECLS }
#else
#define UPAY_BEGIN_DECLS
#define UPAY_END_DECLS
#endif

UPAY_BEGIN_DECLS

/*
 * Free memory that libupay allocated and handed to the caller (encoded
 * bodies, canonical strings, refund entry arrays). upay_free(NULL) is a no-op.
 */
UPAY_API void upay_free(void *ptr);

UPAY_END_DECLS

#endif /* UPAY_COMMON_H */
