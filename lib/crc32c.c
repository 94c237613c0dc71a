/*
 * libloyalty - CRC-32C (Castagnoli), the checksum of the journal's frames.
 *
 * The polynomial 0x1EDC6F41, bit-reflected (0x82F63B78), with an initial
 * value and a final XOR of 0xFFFFFFFF: the CRC of iSCSI (RFC 3720, section
 * 12.1 and appendix B.4), ext4 and SSE 4.2's crc32 instruction. Check value
 * (the CRC catalogue's "123456789"): 0xE3069283; RFC 3720 B.4 gives more
 * vectors (32 zero bytes: 0x8A9136AA), which tests/unit/test_codec.c checks.
 *
 * Table-driven, "slicing-by-8" (Kounavis and Berry, "A Systematic Approach
 * to Building High Performance Software-based CRC Generators", 2005): eight
 * 256-entry tables let one step consume 8 bytes with 8 independent lookups.
 * The tables are computed once, on first use (pthread_once), from the
 * polynomial; reads are byte by byte, so neither alignment nor endianness
 * matters.
 *
 * On x86-64 processors with SSE 4.2 (checked once at run time), the crc32
 * instruction computes the same CRC 8 bytes at a time, about 4x faster than
 * the tables; replaying a journal checksums every byte of it.
 * ly_crc32c_portable is the table version, whatever the processor (tests
 * compare the two).
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>

#include "codec.h"

#define CRC32C_POLY 0x82F63B78u /* 0x1EDC6F41 reflected */

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int s = 1; s < 8; s++)
			table[s][i] = (table[s - 1][i] >> 8) ^ table[0][table[s - 1][i] & 0xff];
}

uint32_t ly_crc32c_portable(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	pthread_once(&table_once, table_init);
	crc = ~crc;
	while (len >= 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
		crc = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^
		      table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^ table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#include <string.h>

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t c = ~crc;

	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8); /* little endian: the reflected CRC's byte order */
		c = _mm_crc32_u64(c, v);
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		c = _mm_crc32_u8((uint32_t)c, *p++);
	return ~(uint32_t)c;
}

static uint32_t (*crc32c_impl)(uint32_t, const void *, size_t);
static pthread_once_t impl_once = PTHREAD_ONCE_INIT;

static void impl_init(void)
{
	__builtin_cpu_init();
	crc32c_impl = __builtin_cpu_supports("sse4.2") ? crc32c_sse42 : ly_crc32c_portable;
}

uint32_t ly_crc32c(uint32_t crc, const void *data, size_t len)
{
	pthread_once(&impl_once, impl_init);
	return crc32c_impl(crc, data, len);
}
#else
uint32_t ly_crc32c(uint32_t crc, const void *data, size_t len)
{
	return ly_crc32c_portable(crc, data, len);
}
#endif
