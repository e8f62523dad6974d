/*
 * purgatory.c - the C half of the Purgatory Lens example purgatory.
 *
 * Structure follows the kernel's x86 purgatory: two GLOBAL arrays that the kexec_file loader
 * fills in before the jump (the digest and the table of hashed regions), both forced into a
 * PROGBITS section so the loader can write them, and a purgatory() function that re-hashes the
 * regions and refuses to continue if anything changed. Written for Purgatory Lens.
 *
 * Build knobs (used by test/fixtures/x86_64/build.sh to make objects the loader must reject):
 *   -DSHA_REGIONS=n    size the region table n entries (the loader insists on 16 = 256 bytes)
 *   -DSTATIC_REGIONS   make the region table static (LOCAL): the loader cannot find it
 *   -DDIGEST_IN_BSS    digest zero-initialised with no section attribute: with
 *                      -fzero-initialized-in-bss it lands in .bss (SHT_NOBITS), which the
 *                      loader cannot write
 *   -DDIGEST_COMMON    digest as a tentative definition: with -fcommon it is SHN_COMMON
 *   -DHOT_PATH         mark the verification path hot, as profile-guided builds do
 *   -DLLVM18_ABS32_REF take the table's address with a 32-bit absolute immediate, the code
 *                      LLVM 18.1.0-18.1.4 generated here under -mcmodel=large (see build.sh)
 */
#include "purgatory.h"
#include "sha256.h"

#define __section(s)	__attribute__((__section__(s)))

#ifndef SHA_REGIONS
#define SHA_REGIONS	16	/* one per kexec segment; the loader writes 16 x 16 bytes */
#endif

#ifdef HOT_PATH
#define __purgatory_path	__attribute__((__hot__))
#else
#define __purgatory_path
#endif

/* Written by the loader (kexec_file: "purgatory_sha256_digest", 32 bytes). */
#if defined(DIGEST_IN_BSS)
u8 purgatory_sha256_digest[SHA256_DIGEST_SIZE] = { 0 };
#elif defined(DIGEST_COMMON)
u8 purgatory_sha256_digest[SHA256_DIGEST_SIZE];
#else
u8 purgatory_sha256_digest[SHA256_DIGEST_SIZE] __section(".kexec-purgatory");
#endif

/* Written by the loader (kexec_file: "purgatory_sha_regions", 256 bytes). */
#ifdef STATIC_REGIONS
static
#endif
struct kexec_sha_region purgatory_sha_regions[SHA_REGIONS] __section(".kexec-purgatory");

static struct kexec_sha_region *sha_region_table(void)
{
#ifdef LLVM18_ABS32_REF
	struct kexec_sha_region *p;

	/* movl $sym, %r32 zero-extends: an R_X86_64_32 that overflows above 4 GiB. */
	asm("movl $purgatory_sha_regions, %k0" : "=r"(p));
	return p;
#else
	return purgatory_sha_regions;
#endif
}

static int __purgatory_path verify_sha256_digest(void)
{
	struct kexec_sha_region regions[SHA_REGIONS];
	u8 digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t i;

	/* Work on a private copy of the table: the hash loop then cannot be affected by what it hashes. */
	memcpy(regions, sha_region_table(), sizeof(regions));

	sha256_init(&ctx);
	for (i = 0; i < ARRAY_SIZE(regions); i++)
		sha256_update(&ctx, (const u8 *)(unsigned long)regions[i].start, regions[i].len);
	sha256_final(&ctx, digest);

	return memcmp(digest, purgatory_sha256_digest, sizeof(digest)) != 0;
}

/* Called from purgatory_start (setup-x86_64.S) on the private stack, before entry64. */
void __purgatory_path purgatory(void)
{
	if (verify_sha256_digest()) {
		/* Memory was corrupted since kexec_file_load: do not boot it. */
		for (;;)
			;
	}
}
