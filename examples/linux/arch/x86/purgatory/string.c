/*
 * string.c - the four string routines the example purgatory needs. There is no libc in
 * purgatory, and the compiler may also emit calls to memcpy/memset on its own (struct copies,
 * large zeroing), so these must always be linked in; build.sh's "no-string" variant leaves
 * this object out to show what the loader says about the resulting undefined symbol.
 */
#include "purgatory.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;

	while (n--)
		*d++ = (u8)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}
