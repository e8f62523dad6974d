/*
 * purgatory.h - types and helpers shared by the Purgatory Lens example purgatory.
 *
 * Written for Purgatory Lens. It mirrors only the *shape* of the kernel's x86 purgatory
 * (fixed-width integer types, the sha-region record the kexec_file loader fills in, and the
 * freestanding string routines the C code relies on); no kernel code is used.
 */
#ifndef PURGATORY_H
#define PURGATORY_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long size_t;

/* One hashed memory range; the loader writes an array of these (16 x 16 bytes). */
struct kexec_sha_region {
	u64 start;
	u64 len;
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Provided by string.c; the freestanding build has no libc to fall back on. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif /* PURGATORY_H */
