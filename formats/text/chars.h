/*
 * chars.h - byte classes for the text parsers in formats/, as one table
 * lookup each (the parsers run over every byte of large inputs).  ASCII
 * only, like Perl's \w and \s on byte strings.
 */
#ifndef FG_CHARS_H
#define FG_CHARS_H

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define CH_SPACE 1		/* \s: space, tab, \f, \v, \r (no \n in lines) */
#define CH_BLANK 2		/* space, tab */
#define CH_DIGIT 4		/* 0-9 */
#define CH_WORD 8		/* \w: A-Z a-z 0-9 _ */
#define CH_HEXLOW 16		/* 0-9 a-f */
#define CH_HEX 32		/* 0-9 a-f A-F */

#define CH_D (CH_DIGIT | CH_WORD | CH_HEXLOW | CH_HEX)
#define CH_L (CH_WORD | CH_HEXLOW | CH_HEX)	/* a-f */
#define CH_U (CH_WORD | CH_HEX)			/* A-F */

static const unsigned char fg_chars[256] = {
	['\t'] = CH_SPACE | CH_BLANK, ['\f'] = CH_SPACE, ['\v'] = CH_SPACE,
	['\r'] = CH_SPACE, [' '] = CH_SPACE | CH_BLANK,
	['0'] = CH_D, ['1'] = CH_D, ['2'] = CH_D, ['3'] = CH_D, ['4'] = CH_D,
	['5'] = CH_D, ['6'] = CH_D, ['7'] = CH_D, ['8'] = CH_D, ['9'] = CH_D,
	['a'] = CH_L, ['b'] = CH_L, ['c'] = CH_L, ['d'] = CH_L, ['e'] = CH_L,
	['f'] = CH_L, ['A'] = CH_U, ['B'] = CH_U, ['C'] = CH_U, ['D'] = CH_U,
	['E'] = CH_U, ['F'] = CH_U,
	['g'] = CH_WORD, ['h'] = CH_WORD, ['i'] = CH_WORD, ['j'] = CH_WORD,
	['k'] = CH_WORD, ['l'] = CH_WORD, ['m'] = CH_WORD, ['n'] = CH_WORD,
	['o'] = CH_WORD, ['p'] = CH_WORD, ['q'] = CH_WORD, ['r'] = CH_WORD,
	['s'] = CH_WORD, ['t'] = CH_WORD, ['u'] = CH_WORD, ['v'] = CH_WORD,
	['w'] = CH_WORD, ['x'] = CH_WORD, ['y'] = CH_WORD, ['z'] = CH_WORD,
	['G'] = CH_WORD, ['H'] = CH_WORD, ['I'] = CH_WORD, ['J'] = CH_WORD,
	['K'] = CH_WORD, ['L'] = CH_WORD, ['M'] = CH_WORD, ['N'] = CH_WORD,
	['O'] = CH_WORD, ['P'] = CH_WORD, ['Q'] = CH_WORD, ['R'] = CH_WORD,
	['S'] = CH_WORD, ['T'] = CH_WORD, ['U'] = CH_WORD, ['V'] = CH_WORD,
	['W'] = CH_WORD, ['X'] = CH_WORD, ['Y'] = CH_WORD, ['Z'] = CH_WORD,
	['_'] = CH_WORD,
};

#undef CH_D
#undef CH_L
#undef CH_U

static inline int ch_is(char c, int cls)
{
	return fg_chars[(unsigned char)c] & cls;
}

/*
 * Eight bytes at a time (little-endian word loads; byte i of the text is
 * bits 8i..8i+7).  The masks have 0x80 in each selected byte and are exact:
 * no carries cross bytes.
 */
#define W_LO7 0x7f7f7f7f7f7f7f7full
#define W_HI 0x8080808080808080ull
#define W_ONES 0x0101010101010101ull

static inline uint64_t w_load(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* Bytes that are not zero. */
static inline uint64_t w_nonzero(uint64_t w)
{
	return (((w & W_LO7) + W_LO7) | w) & W_HI;
}

/* Bytes equal to c. */
static inline uint64_t w_eq(uint64_t w, unsigned char c)
{
	return ~w_nonzero(w ^ (W_ONES * c)) & W_HI;
}

/* Bytes in [lo, hi] (both below 0x80). */
static inline uint64_t w_range(uint64_t w, unsigned char lo, unsigned char hi)
{
	uint64_t ascii = ~w & W_HI;
	uint64_t ge = ((w & W_LO7) + W_ONES * (0x80 - lo)) & W_HI;
	uint64_t gt = ((w & W_LO7) + W_ONES * (0x7f - hi)) & W_HI;

	return ascii & ge & ~gt;
}

/* Bytes that are lowercase hex digits, [0-9a-f]. */
static inline uint64_t w_hexlow(uint64_t w)
{
	return w_range(w, '0', '9') | w_range(w, 'a', 'f');
}

/* Index of the first (lowest) selected byte; mask must not be 0. */
static inline unsigned w_first(uint64_t mask)
{
	return (unsigned)__builtin_ctzll(mask) >> 3;
}

/* Index of the last (highest) selected byte; mask must not be 0. */
static inline unsigned w_last(uint64_t mask)
{
	return (unsigned)(63 - __builtin_clzll(mask)) >> 3;
}

#ifdef __SSE2__
/*
 * Sixteen bytes at a time where SSE2 is there (every x86-64): bit i of the
 * result is byte i.  The callers make sure 16 bytes are readable.
 */
static inline __m128i v16_load(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static inline unsigned v16_eq(const char *p, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v16_load(p),
							  _mm_set1_epi8(c)));
}

/* Bytes that are lowercase hex digits, [0-9a-f]. */
static inline unsigned v16_hexlow(const char *p)
{
	__m128i v = v16_load(p);
	__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
	__m128i a = _mm_sub_epi8(v, _mm_set1_epi8('a'));
	__m128i isd = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
	__m128i isa = _mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(5)), a);

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(isd, isa));
}
#endif

#endif
