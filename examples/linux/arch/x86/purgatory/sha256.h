/*
 * sha256.h - a compact SHA-256 (FIPS 180-4) for the Purgatory Lens example purgatory.
 */
#ifndef SHA256_H
#define SHA256_H

#include "purgatory.h"

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256_ctx {
	u32 h[8];		/* running hash value H(i) */
	u64 total;		/* bytes hashed so far */
	u8 block[SHA256_BLOCK_SIZE];	/* partial input block */
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const u8 *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, u8 out[SHA256_DIGEST_SIZE]);

#endif /* SHA256_H */
