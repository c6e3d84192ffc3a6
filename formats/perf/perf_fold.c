/*
 * perf_fold.c - perf script samples to folded stacks.
 *
 * Frame lines repeat endlessly in a recording, so each distinct frame
 * (symbol and DSO, see struct fkey) is turned into frame names once and the
 * name ids are cached.  A sample then costs one hash probe per frame line
 * plus one for the whole stack.  The common line shape is recognised
 * sixteen bytes at a time (frame_fast()); everything else takes the general
 * path with the same result.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/text/chars.h"
#include "formats/elf/elfsym.h"
#include "formats/perf/perf_fold.h"
#include "libfold/input.h"

/* What besides the line text decides a frame's names. */
#define KEY_JAVA 1		/* the process name starts with "java" */
#define KEY_CALLER 2		/* not the leaf (only for inline lookups) */
#define KEY_SYMDSO 4		/* keyed by symbol and DSO, not the whole line */

/*
 * What a frame line is cached under.  A line's names depend only on its
 * symbol (without the +0x offset) and DSO unless addresses are wanted
 * (--addrs, --inline), so that pair is the key: a recording has a few
 * thousand of them against a hundred thousand distinct lines, and the cache
 * stays in the CPU's caches.  Lines of other shapes are keyed whole.
 */
struct fkey {
	const char *a, *b, *src;	/* symbol, DSO, srcline (or whole line) */
	uint32_t alen, blen, srclen, flags;
	uint64_t hash;
};

/*
 * A cache record, 8-byte aligned in perf_fold.recs and named by its offset
 * in 8-byte units: this header, the frame's name ids, then the key bytes.
 * One record holds everything a lookup touches.
 */
struct crec {
	uint32_t alen, blen, srclen, flags;
	uint32_t nids;
	int32_t skip_at;	/* last id matching skip_after, or -1 */
	fold_id ids[];
};

#define NOREC UINT32_MAX


struct buf {
	char *s;
	size_t len, cap;
};

struct perf_fold {
	struct fold_profile *p;
	struct perf_fold_opts o;
	int fast;		/* frame_fast() applies: no addrs, inline, srcline */
	struct fold_diag *d;
	struct perf_fold_stats st;
	/* event filter */
	char *filter;
	size_t filter_len;
	int filter_defaulted, filter_warned;
	/* frame cache */
	struct fold_index ix;	/* frame hash -> record */
	char *recs;
	size_t nrecs, caprecs;	/* bytes */
	fold_id *tmp;		/* names of the record being built */
	size_t ntmp, captmp;
	int32_t tmp_skip;
	/* names that are idle-loop leaves, by id (no_idle) */
	unsigned char *idle;
	size_t idlecap;
	/* root frames of recent threads, by tid */
	struct root_cache {
		int64_t pid, tid;
		uint32_t comm_len;
		char comm[24];
		fold_id id;
	} roots[256];
	/* scratch */
	struct buf name;
	fold_id *stack;
	size_t capstack;
	uint32_t *frec;		/* record of each frame (--skip-after) */
	size_t capframes;
	struct elfsym *elf;
};

static int oom(struct perf_fold *pf)
{
	fold_diag_error(pf->d, "%s", strerror(errno ? errno : ENOMEM));
	return -1;
}

struct perf_fold *perf_fold_new(struct fold_profile *p,
				const struct perf_fold_opts *opts,
				struct fold_diag *d)
{
	struct perf_fold *pf = calloc(1, sizeof(*pf));

	if (pf == NULL) {
		fold_diag_error(d, "%s", strerror(errno));
		return NULL;
	}
	pf->p = p;
	pf->o = *opts;
	pf->fast = !opts->addrs && !opts->inline_frames && !opts->srcline;
	pf->d = d;
	for (int i = 0; i < 256; i++)
		pf->roots[i].id = FOLD_NOID;
	if (fold_index_init(&pf->ix, 4096) != 0) {
		free(pf);
		fold_diag_error(d, "%s", strerror(errno));
		return NULL;
	}
	if (opts->event_filter != NULL) {
		pf->filter = strdup(opts->event_filter);
		pf->filter_len = strlen(opts->event_filter);
		if (pf->filter == NULL) {
			perf_fold_free(pf);
			fold_diag_error(d, "%s", strerror(errno));
			return NULL;
		}
	}
	if (opts->inline_frames) {
		pf->elf = elfsym_new();
		if (pf->elf == NULL) {
			perf_fold_free(pf);
			fold_diag_error(d, "cannot start libdwfl");
			return NULL;
		}
	}
	return pf;
}

void perf_fold_free(struct perf_fold *pf)
{
	if (pf == NULL)
		return;
	free(pf->filter);
	fold_index_free(&pf->ix);
	free(pf->recs);
	free(pf->tmp);
	free(pf->idle);
	free(pf->name.s);
	free(pf->stack);
	free(pf->frec);
	elfsym_free(pf->elf);
	free(pf);
}

const struct perf_fold_stats *perf_fold_stats(const struct perf_fold *pf)
{
	return &pf->st;
}

/* Whether ev[k..n) is ":" and perf's event modifier letters only. */
static int modifiers(const char *ev, size_t k, size_t n)
{
	size_t i;

	if (k + 1 >= n || ev[k] != ':')
		return 0;
	for (i = k + 1; i < n; i++)
		if (strchr("ukhIGHpPSDeW", ev[i]) == NULL)
			return 0;
	return 1;
}

/* Whether event ev[0..n) counts nanoseconds (its periods are time). */
static int event_ns(const char *ev, size_t n)
{
	static const char *const timed[] = {
		"cpu-clock", "task-clock", "offcpu-time",
	};
	size_t k, i;

	/* "cpu-clock:ppp" is cpu-clock; "sched:sched_switch" is itself. */
	for (k = 0; k < n && !modifiers(ev, k, n); k++)
		;
	for (i = 0; i < sizeof(timed) / sizeof(*timed); i++)
		if (strlen(timed[i]) == k && memcmp(ev, timed[i], k) == 0)
			return 1;
	return 0;
}

void perf_fold_unit(const struct perf_fold *pf, struct fold_unit *u)
{
	const char *ev = pf->filter, *c;
	size_t n, k;
	char base[FOLD_UNIT_LEN];
	int ns = 1;

	if (pf->st.weighted == 0 || ev == NULL) {
		fold_unit_set(u, "samples", "count");
		return;
	}
	/* A list ("cpu-clock,offcpu-time", hot/cold) is time if all are. */
	if (strchr(ev, ',') != NULL) {
		for (; ev != NULL; ev = c != NULL ? c + 1 : NULL) {
			c = strchr(ev, ',');
			ns &= event_ns(ev, c != NULL ? (size_t)(c - ev) : strlen(ev));
		}
		fold_unit_set(u, ns ? "time" : "samples",
			      ns ? "nanoseconds" : "count");
		return;
	}
	n = strlen(ev);
	for (k = 0; k < n && !modifiers(ev, k, n); k++)
		;
	snprintf(base, sizeof(base), "%.*s", (int)k, ev);
	fold_unit_set(u, base, event_ns(ev, n) ? "nanoseconds" : "count");
}

/* ------------------------------------------------------------- buffers */

/* Room for more bytes and a NUL. */
static int buf_reserve(struct buf *b, size_t more)
{
	return fold_grow(&b->s, &b->cap, b->len + more + 1, 1);
}

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

static int contains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* ---------------------------------------------------------- frame names */

/* m/\/tmp\/perf-\d+\.map/ */
static int jit_map(const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i + 10 <= n; i++) {
		if (memcmp(s + i, "/tmp/perf-", 10) != 0)
			continue;
		for (j = i + 10; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			;
		if (j > i + 10 && j + 4 <= n && memcmp(s + j, ".map", 4) == 0)
			return 1;
	}
	return 0;
}

/* Go method names such as "net/http.(*Client).Do" keep their parens. */
static int go_method(const char *s, size_t n)
{
	size_t i, first = SIZE_MAX;

	for (i = 0; i + 1 < n; i++) {
		if (first == SIZE_MAX && s[i] == '.' && s[i + 1] == '(')
			first = i;
		else if (first != SIZE_MAX && i >= first + 2 && s[i] == ')' &&
			 s[i + 1] == '.')
			return 1;
	}
	return 0;
}

/*
 * stackcollapse-perf.pl's generic tidy, in place: ';' becomes ':', the
 * argument list is cut (unless a Go method), quotes are dropped.
 */
static void tidy(struct buf *b, size_t from)
{
	char *s = b->s + from;
	size_t n = b->len - from, i, o;
	static const char anon[] = "anonymous namespace)";

	for (i = 0; i < n; i++)
		if (s[i] == ';')
			s[i] = ':';
	if (!go_method(s, n)) {
		for (i = 0; i < n; i++) {
			if (s[i] != '(')
				continue;
			if (n - i - 1 >= sizeof(anon) - 1 &&
			    memcmp(s + i + 1, anon, sizeof(anon) - 1) == 0)
				continue;
			n = i;
			break;
		}
	}
	for (i = o = 0; i < n; i++)
		if (s[i] != '"' && s[i] != '\'')
			s[o++] = s[i];
	b->len = from + o;
	b->s[b->len] = '\0';
}

/* -F +srcline text as stackcollapse-perf.pl appends it: "[...]" removed. */
static int add_srcline(struct buf *b, const char *s, size_t n)
{
	size_t mark = b->len, i = 0, start;

	if (buf_add(b, ":", 1) != 0)
		return -1;
	start = b->len;
	while (i < n) {
		if (s[i] == '[') {
			const char *close = memchr(s + i, ']', n - i);

			if (close != NULL) {
				i = (size_t)(close - s) + 1;
				continue;
			}
		}
		if (buf_add(b, s + i, 1) != 0)
			return -1;
		i++;
	}
	/* Trim, and drop perf's inline marker and unknown locations. */
	while (b->len > start && (b->s[b->len - 1] == ' ' || b->s[b->len - 1] == '\t'))
		b->len--;
	if (ends_with(b->s + start, b->len - start, " (inlined)"))
		b->len -= 10;
	while (b->len > start && (b->s[b->len - 1] == ' ' || b->s[b->len - 1] == '\t'))
		b->len--;
	i = start;
	while (i < b->len && (b->s[i] == ' ' || b->s[i] == '\t'))
		i++;
	memmove(b->s + start, b->s + i, b->len - i);
	b->len -= i - start;
	if (b->len == start || (b->len - start >= 2 && b->s[start] == '?' &&
				b->s[start + 1] == '?'))
		b->len = mark;
	b->s[b->len] = '\0';
	return 0;
}

static const char *const idle_names[] = {
	"acpi_idle_do_entry", "acpi_idle_enter", "acpi_processor_ffh_cstate_enter",
	"arch_cpu_idle", "cpu_idle", "cpu_idle_poll", "cpu_startup_entry",
	"cpuidle_enter", "cpuidle_enter_state", "default_idle",
	"default_idle_call", "do_idle", "enter_idle", "exit_idle", "idle_cpu",
	"intel_idle", "intel_idle_ibrs", "intel_idle_irq", "mwait_idle",
	"mwait_idle_with_hints", "mwait_idle_with_hints.constprop.0",
	"native_safe_halt", "poll_idle", "ppc64_runlatch_off",
	"pseries_dedicated_idle_sleep", "psw_idle", "pv_native_safe_halt",
	NULL
};

static int is_idle_name(const char *s, size_t n)
{
	int i;

	if (ends_with(s, n, "_[k]"))
		n -= 4;
	for (i = 0; idle_names[i] != NULL; i++)
		if (strlen(idle_names[i]) == n && memcmp(idle_names[i], s, n) == 0)
			return 1;
	return 0;
}

/* Intern the name in pf->name as the next name of the record being built. */
static int emit(struct perf_fold *pf)
{
	fold_id id = fold_intern(&pf->p->names, pf->name.s, pf->name.len);

	if (id == FOLD_NOID)
		return -1;
	if (fold_grow(&pf->tmp, &pf->captmp, pf->ntmp + 1, sizeof(*pf->tmp)) != 0)
		return -1;
	pf->tmp[pf->ntmp] = id;
	if (pf->o.no_idle) {
		if (fold_grow0(&pf->idle, &pf->idlecap, (size_t)id + 1, 1) != 0)
			return -1;
		pf->idle[id] = (unsigned char)is_idle_name(pf->name.s, pf->name.len);
	}
	if (pf->o.skip_after != NULL &&
	    regexec(pf->o.skip_after, pf->name.s, 0, NULL, 0) == 0)
		pf->tmp_skip = (int32_t)pf->ntmp;
	pf->ntmp++;
	return 0;
}

static int parse_hex(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 16)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int x = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (x < 0)
			return -1;
		*v = *v << 4 | (uint64_t)x;
	}
	return 0;
}

/* End of sym[start, end) without a "+0x<lowercase hex>" suffix. */
static inline const char *strip_off(const char *text, const char *start,
				    const char *end)
{
	const char *o;

#ifdef __SSE2__
	if (end - text >= 16) {
		unsigned plus = v16_eq(end - 16, '+'), j;

		if (plus != 0) {
			j = 31 - (unsigned)__builtin_clz(plus);
			o = end - 16 + j;
			/* "+0x" and at least one digit, all inside the symbol */
			if (o < start || j > 12 || o[1] != '0' || o[2] != 'x' ||
			    (v16_hexlow(end - 16) >> (j + 3)) != (0xffffu >> (j + 3)))
				return end;
			return o;
		}
	}
#else
	if (end - text >= 8) {
		uint64_t w = w_load(end - 8), plus = w_eq(w, '+');
		unsigned j;

		if (plus != 0) {
			j = w_last(plus);
			o = end - 8 + j;
			/* "+0x" and at least one digit, all inside the symbol */
			if (o < start || j > 4 || o[1] != '0' || o[2] != 'x' ||
			    (~w_hexlow(w) & W_HI & ~((1ull << (8 * (j + 3))) - 1)) != 0)
				return end;
			return o;
		}
	}
#endif
	o = end;
	while (o > start && ch_is(o[-1], CH_HEXLOW))
		o--;
	if (o < end && o - start >= 3 && memcmp(o - 3, "+0x", 3) == 0)
		return o - 3;
	return end;
}

/* --inline: the DWARF inline chain replaces the frame when it is known. */
static int inline_names(struct perf_fold *pf, uint32_t flags,
			const struct perf_frame_fields *ff, const char *sym,
			size_t symlen, int has_off, uint64_t off)
{
	struct elfsym_frame ch[ELFSYM_MAXCHAIN];
	char path[4096];
	uint64_t addr;
	int n, i;

	if (ff->dso == NULL || ff->dso_len == 0 || ff->dso[0] != '/' ||
	    ff->dso_len >= sizeof(path) || jit_map(ff->dso, ff->dso_len) ||
	    parse_hex(ff->addr, ff->addr_len, &addr) != 0)
		return 0;
	memcpy(path, ff->dso, ff->dso_len);
	path[ff->dso_len] = '\0';
	if (memchr(path, '\0', ff->dso_len) != NULL)
		return 0;
	if (symlen == 9 && memcmp(sym, "[unknown]", 9) == 0)
		sym = NULL;
	n = elfsym_inline(pf->elf, path, addr, sym, symlen, has_off, off,
			  (flags & KEY_CALLER) != 0, ch, ELFSYM_MAXCHAIN);
	for (i = 0; i < n; i++) {
		pf->name.len = 0;
		/* The outer function keeps perf's name, as without --inline. */
		if (i == 0 && sym != NULL) {
			if (buf_add(&pf->name, sym, symlen) != 0)
				return -1;
		} else if (buf_str(&pf->name, ch[i].name) != 0) {
			return -1;
		}
		tidy(&pf->name, 0);
		if (pf->o.context && ch[i].file != NULL) {
			char ln[24];

			snprintf(ln, sizeof(ln), ":%d", ch[i].line);
			if (buf_add(&pf->name, ":", 1) != 0 ||
			    buf_str(&pf->name, ch[i].file) != 0 ||
			    buf_str(&pf->name, ln) != 0)
				return -1;
		}
		if (emit(pf) != 0)
			return -1;
	}
	return n;
}

/* Turn one frame line into names: stackcollapse-perf.pl's rules. */
static int build(struct perf_fold *pf, uint32_t flags,
		 const struct perf_frame *fr)
{
	struct perf_frame_fields ff;
	const char *mod, *raw, *o;
	size_t modlen, rawlen, start, k;
	uint64_t off = 0;
	int has_off, unknown = 0, n;

	if (perf_frame_split(fr->text, fr->len, &ff) != 0)
		return 0;
	mod = ff.dso ? ff.dso : "[unknown]";
	modlen = ff.dso ? ff.dso_len : 9;
	raw = ff.sym;
	o = strip_off(fr->text, ff.sym, ff.sym + ff.sym_len);
	rawlen = (size_t)(o - raw);
	has_off = o < ff.sym + ff.sym_len &&
		  parse_hex(o + 3, (size_t)(ff.sym + ff.sym_len - o - 3), &off) == 0;
	if (pf->o.inline_frames) {
		n = inline_names(pf, flags, &ff, raw, rawlen, has_off, off);
		if (n != 0)
			return n < 0 ? -1 : 0;
	}
	if (rawlen > 0 && raw[0] == '(')
		return 0;	/* meant for "(process name)" lines */
	/* Perl's split /->/: empty trailing pieces vanish. */
	while (rawlen >= 2 && memcmp(raw + rawlen - 2, "->", 2) == 0)
		rawlen -= 2;
	for (start = 0; start < rawlen;) {
		const char *piece = raw + start, *arrow = NULL;
		size_t plen;

		for (k = start; k + 1 < rawlen; k++)
			if (raw[k] == '-' && raw[k + 1] == '>') {
				arrow = raw + k;
				break;
			}
		plen = arrow ? (size_t)(arrow - piece) : rawlen - start;
		start = arrow ? start + plen + 2 : rawlen;
		pf->name.len = 0;
		if (plen == 9 && memcmp(piece, "[unknown]", 9) == 0) {
			const char *base = mod;
			size_t blen = modlen;

			if (modlen == 9 && memcmp(mod, "[unknown]", 9) == 0) {
				base = "unknown";
				blen = 7;
				unknown = 1;
			} else {
				for (k = modlen; k > 0; k--)
					if (mod[k - 1] == '/')
						break;
				base = mod + k;
				blen = modlen - k;
			}
			if (buf_add(&pf->name, "[", 1) != 0 ||
			    buf_add(&pf->name, base, blen) != 0)
				return -1;
			if (pf->o.addrs && (buf_add(&pf->name, " <", 2) != 0 ||
					    buf_add(&pf->name, ff.addr, ff.addr_len) != 0 ||
					    buf_add(&pf->name, ">", 1) != 0))
				return -1;
			if (buf_add(&pf->name, "]", 1) != 0)
				return -1;
		} else if (buf_add(&pf->name, piece, plen) != 0) {
			return -1;
		}
		tidy(&pf->name, 0);
		if ((flags & KEY_JAVA) && pf->name.len > 0 &&
		    pf->name.s[0] == 'L' && memchr(pf->name.s, '/', pf->name.len)) {
			memmove(pf->name.s, pf->name.s + 1, pf->name.len);
			pf->name.len--;
		}
		/* Annotations, first match wins; "->" pieces were inlined. */
		if (piece != raw) {
			if (!contains(pf->name.s, pf->name.len, "_[i]") &&
			    buf_str(&pf->name, "_[i]") != 0)
				return -1;
		} else if (pf->o.kernel && ((modlen > 0 && mod[0] == '[') ||
					    ends_with(mod, modlen, "vmlinux")) &&
			   !contains(mod, modlen, "unknown")) {
			if (buf_str(&pf->name, "_[k]") != 0)
				return -1;
		} else if (pf->o.jit && jit_map(mod, modlen) &&
			   !contains(pf->name.s, pf->name.len, "_[j]")) {
			if (buf_str(&pf->name, "_[j]") != 0)
				return -1;
		}
		if (pf->o.srcline && !unknown && start >= rawlen && fr->srclen &&
		    add_srcline(&pf->name, fr->src, fr->srclen) != 0)
			return -1;
		if (emit(pf) != 0)
			return -1;
	}
	return 0;
}

static inline struct crec *rec(const struct perf_fold *pf, uint32_t off)
{
	return (struct crec *)(pf->recs + (size_t)off * 8);
}

static inline const char *rec_key(const struct crec *r)
{
	return (const char *)(r->ids + r->nids);
}

/*
 * Hash of a symbol from its first, middle and last eight bytes and its
 * length: symbols differ at one of those, and every hit is compared in
 * full, so a rare collision costs a probe, never a wrong answer.  Reads up
 * to 8 bytes past short symbols, which lie inside their frame line.
 */
static inline uint64_t sym_hash(const char *a, uint32_t n)
{
	uint64_t x, y = 0, z = 0, h;

	memcpy(&x, a, 8);
	if (n >= 8) {
		memcpy(&y, a + n - 8, 8);
		memcpy(&z, a + (n - 8) / 2, 8);
	} else {
		x &= ((uint64_t)1 << (8 * n)) - 1;
	}
	h = (x * 0x9e3779b97f4a7c15ull) ^ (y * 0xc2b2ae3d27d4eb4full) ^
	    (z * 0x165667b19e3779f9ull) ^ n;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

static inline uint64_t key_hash(const char *a, uint32_t alen, const char *b,
				uint32_t blen, uint32_t flags)
{
	uint64_t h = (flags & KEY_SYMDSO ? sym_hash(a, alen) : fold_hash(a, alen)) ^
		     (flags * 0x9e3779b97f4a7c15ull), t;

	if (blen >= 8) {
		/*
		 * DSO paths are few and differ at the end: their length and last
		 * eight bytes spread them well enough (matches() compares all).
		 */
		memcpy(&t, b + blen - 8, 8);
		h ^= (t ^ blen) * 0xc2b2ae3d27d4eb4full;
	} else if (blen) {
		h ^= fold_hash(b, blen) * 0xc2b2ae3d27d4eb4full;
	}
	return h;
}

/*
 * perf's usual frame line: a lowercase hex address of at most 16 digits,
 * one blank, the symbol.  Returns the symbol start, or NULL to take the
 * general path (the result is the same, only slower).
 */
static inline const char *hex_address(const char *s, const char *e)
{
	uint64_t lo, hi, sp;
	unsigned n;

	if (e - s < 24)
		return NULL;
#ifdef __SSE2__
	{
		unsigned blank = v16_eq(s, ' '), hex = v16_hexlow(s);

		if (blank != 0) {
			n = (unsigned)__builtin_ctz(blank);
			if (n == 0 || (hex & ((1u << n) - 1)) != (1u << n) - 1)
				return NULL;
		} else if (hex == 0xffff && s[16] == ' ') {
			n = 16;		/* a full-width kernel address */
		} else {
			return NULL;
		}
		return ch_is(s[n + 1], CH_SPACE) ? NULL : s + n + 1;
	}
#endif
	lo = w_load(s);
	hi = w_load(s + 8);
	sp = w_eq(lo, ' ');
	if (sp != 0) {
		n = w_first(sp);
		/* all n bytes before the blank are hex digits */
		if (n == 0 || (~w_hexlow(lo) & W_HI & ((1ull << (8 * n)) - 1)) != 0)
			return NULL;
	} else {
		if ((~w_hexlow(lo) & W_HI) != 0)
			return NULL;
		sp = w_eq(hi, ' ');
		if (sp != 0) {
			n = w_first(sp);
			if ((~w_hexlow(hi) & W_HI & ((1ull << (8 * n)) - 1)) != 0)
				return NULL;
			n += 8;
		} else if ((~w_hexlow(hi) & W_HI) == 0 && s[16] == ' ') {
			n = 16;		/* a full-width kernel address */
		} else {
			return NULL;
		}
	}
	return ch_is(s[n + 1], CH_SPACE) ? NULL : s + n + 1;
}

/* The last '(' in [start, e), or NULL. */
static inline const char *last_paren(const char *start, const char *e)
{
#ifdef __SSE2__
	while (e - start >= 16) {
		unsigned m = v16_eq(e - 16, '(');

		if (m != 0)
			return e - 16 + (31 - __builtin_clz(m));
		e -= 16;
	}
#endif
	return memrchr(start, '(', (size_t)(e - start));
}

/*
 * The symbol (offset dropped) and DSO of a frame line of perf's usual shape,
 * "ADDR SYM[+0xOFF] (DSO)", split as perf_frame_split() would (the DSO
 * starts after the last " (").  0 for other shapes.
 */
static inline __attribute__((always_inline)) int
sym_dso(const char *s, size_t len, const char **sym, uint32_t *symlen,
	const char **dso, uint32_t *dsolen)
{
	const char *e = s + len, *start, *p;

	if (len == 0 || e[-1] != ')' || (start = hex_address(s, e)) == NULL)
		return 0;
	p = last_paren(start, e);
	if (p == NULL || p <= start + 1 || p[-1] != ' ')
		return 0;
	*sym = start;
	*symlen = (uint32_t)(strip_off(s, start, p - 1) - start);
	*dso = p + 1;
	*dsolen = (uint32_t)(e - 1 - (p + 1));
	return 1;
}

/*
 * The key of a frame line: its symbol and DSO where the names cannot depend
 * on the address, else the whole line (always right, only less shared).
 */
static void frame_key(const struct perf_fold *pf, const struct perf_frame *fr,
		      uint32_t flags, struct fkey *k)
{
	k->src = fr->src;
	k->srclen = pf->o.srcline ? (uint32_t)fr->srclen : 0;
	if (!pf->o.addrs && !pf->o.inline_frames &&
	    sym_dso(fr->text, fr->len, &k->a, &k->alen, &k->b, &k->blen)) {
		k->flags = flags | KEY_SYMDSO;
	} else {
		k->a = fr->text;
		k->alen = (uint32_t)fr->len;
		k->b = NULL;
		k->blen = 0;
		k->flags = flags;
	}
	k->hash = key_hash(k->a, k->alen, k->b, k->blen, k->flags);
	if (k->srclen)
		k->hash ^= fold_hash(k->src, k->srclen) * 0xff51afd7ed558ccdull;
}

static inline __attribute__((always_inline)) int
matches(const struct perf_fold *pf, uint32_t off, const struct fkey *k)
{
	const struct crec *r = rec(pf, off);
	const char *key = rec_key(r);

	return r->alen == k->alen && r->blen == k->blen &&
	       r->srclen == k->srclen && r->flags == k->flags &&
	       fold_same_bytes(key, k->a, k->alen) &&
	       fold_same_bytes(key + k->alen, k->b, k->blen) &&
	       fold_same_bytes(key + k->alen + k->blen, k->src, k->srclen);
}

/*
 * The record whose key is k, or NOREC with *slot set to the free index
 * slot where it belongs.
 */
static inline __attribute__((always_inline)) uint32_t
lookup(const struct perf_fold *pf, const struct fkey *k, size_t *slot)
{
	uint32_t h = (uint32_t)(k->hash >> 32);
	size_t i;

	for (i = h & pf->ix.mask;; i = (i + 1) & pf->ix.mask) {
		uint64_t s = pf->ix.slot[i];

		*slot = i;
		if (s == 0)
			return NOREC;
		if ((uint32_t)(s >> 32) == h && matches(pf, (uint32_t)s - 1, k))
			return (uint32_t)s - 1;
	}
}

/* The record of a frame line, built and added on first sight. */
static uint32_t frame(struct perf_fold *pf, const struct perf_frame *fr,
		      const struct fkey *k)
{
	size_t i, size, klen = (size_t)k->alen + k->blen + k->srclen;
	uint32_t off = lookup(pf, k, &i);
	struct crec *r;
	char *key;

	if (off != NOREC)
		return off;
	pf->ntmp = 0;
	pf->tmp_skip = -1;
	if (build(pf, k->flags & ~(uint32_t)KEY_SYMDSO, fr) != 0)
		return NOREC;
	size = sizeof(*r) + pf->ntmp * sizeof(fold_id) + klen;
	size = (size + 7) & ~(size_t)7;
	/* Records are addressed in 8-byte units by a uint32_t. */
	if (pf->caprecs - pf->nrecs < size &&
	    (fold_grow(&pf->recs, &pf->caprecs, pf->nrecs + size < (1u << 16) ?
		       (1u << 16) : pf->nrecs + size, 1) != 0 ||
	     pf->caprecs / 8 >= NOREC))
		return NOREC;
	off = (uint32_t)(pf->nrecs / 8);
	r = rec(pf, off);
	r->alen = k->alen;
	r->blen = k->blen;
	r->srclen = k->srclen;
	r->flags = k->flags;
	r->nids = (uint32_t)pf->ntmp;
	r->skip_at = pf->tmp_skip;
	if (pf->ntmp)
		memcpy(r->ids, pf->tmp, pf->ntmp * sizeof(fold_id));
	key = (char *)rec_key(r);
	memcpy(key, k->a, k->alen);
	if (k->blen)
		memcpy(key + k->alen, k->b, k->blen);
	if (k->srclen)
		memcpy(key + k->alen + k->blen, k->src, k->srclen);
	pf->nrecs += size;
	if (fold_index_insert(&pf->ix, i, (uint32_t)(k->hash >> 32), off) != 0)
		return NOREC;
	return off;
}

/*
 * The record of a frame line in the common case (no --addrs, --inline or
 * --srcline) when the line has perf's usual shape; NOREC sends the caller
 * to the general path.  Kept in registers: this runs for every frame.
 */
static inline __attribute__((always_inline)) uint32_t
frame_fast(const struct perf_fold *pf, const char *s, size_t len,
	   uint32_t flags)
{
	struct fkey k;
	size_t slot;

	if (!sym_dso(s, len, &k.a, &k.alen, &k.b, &k.blen))
		return NOREC;
	k.src = NULL;
	k.srclen = 0;
	k.flags = flags | KEY_SYMDSO;
	k.hash = key_hash(k.a, k.alen, k.b, k.blen, k.flags);
	return lookup(pf, &k, &slot);
}

/* frame_rec() for lines frame_fast() does not take; kept out of line. */
static __attribute__((noinline)) uint32_t
frame_general(struct perf_fold *pf, const struct perf_frame *fr, size_t i,
	      uint32_t flags)
{
	struct fkey k;

	if (i > 0 && pf->o.inline_frames)
		flags |= KEY_CALLER;
	frame_key(pf, fr, flags, &k);
	return frame(pf, fr, &k);
}

/* The record of frame i of a sample (0 is the leaf); NOREC when out of memory. */
static inline __attribute__((always_inline)) uint32_t
frame_rec(struct perf_fold *pf, const struct perf_sample *s, size_t i,
	  uint32_t java)
{
	const struct perf_frame *fr = &s->frames[i];
	uint32_t r = pf->fast ? frame_fast(pf, fr->text, fr->len, java) : NOREC;

	return r != NOREC ? r : frame_general(pf, fr, i, java);
}

static int reserve_stack(struct perf_fold *pf, size_t need)
{
	return fold_grow(&pf->stack, &pf->capstack, need, sizeof(*pf->stack));
}

/*
 * --skip-after: the leaf-most matching frame becomes the root, so all
 * frames are looked up before the stack is built.
 */
static int assemble_skip(struct perf_fold *pf, const struct perf_sample *s,
			 uint32_t java, size_t *n)
{
	size_t i, j, from = s->nframes;
	int32_t from_id = 0;

	if (fold_grow(&pf->frec, &pf->capframes, s->nframes, sizeof(*pf->frec)) != 0)
		return -1;
	for (i = 0; i < s->nframes; i++) {
		pf->frec[i] = frame_rec(pf, s, i, java);
		if (pf->frec[i] == NOREC)
			return -1;
		if (from == s->nframes && rec(pf, pf->frec[i])->skip_at >= 0) {
			from = i;
			from_id = rec(pf, pf->frec[i])->skip_at;
		}
	}
	i = from < s->nframes ? from + 1 : s->nframes;
	while (i-- > 0) {
		const struct crec *r = rec(pf, pf->frec[i]);

		if (reserve_stack(pf, *n + r->nids) != 0)
			return -1;
		j = i == from ? (size_t)from_id : 0;
		for (; j < r->nids; j++)
			pf->stack[(*n)++] = r->ids[j];
	}
	return 0;
}

/* The root frame: comm with blanks as '_', optionally "-PID" or "-PID/TID". */
static fold_id root_frame(struct perf_fold *pf, const struct perf_sample *s)
{
	struct root_cache *rc = &pf->roots[(uint64_t)s->tid & 255];
	char num[48];
	size_t i;
	fold_id id;

	if (rc->id != FOLD_NOID && rc->tid == s->tid && rc->pid == s->pid &&
	    rc->comm_len == s->comm_len && memcmp(rc->comm, s->comm, s->comm_len) == 0)
		return rc->id;
	pf->name.len = 0;
	if (buf_add(&pf->name, s->comm, s->comm_len) != 0)
		return FOLD_NOID;
	for (i = 0; i < pf->name.len; i++)
		if (pf->name.s[i] == ' ')
			pf->name.s[i] = '_';
	if (pf->o.tid || pf->o.pid) {
		if (s->pid >= 0)
			snprintf(num, sizeof(num), "-%" PRId64, s->pid);
		else
			snprintf(num, sizeof(num), "-?");
		if (buf_str(&pf->name, num) != 0)
			return FOLD_NOID;
		if (pf->o.tid) {
			snprintf(num, sizeof(num), "/%" PRId64, s->tid);
			if (buf_str(&pf->name, num) != 0)
				return FOLD_NOID;
		}
	}
	id = fold_intern(&pf->p->names, pf->name.s, pf->name.len);
	if (id != FOLD_NOID && s->comm_len <= sizeof(rc->comm)) {
		rc->pid = s->pid;
		rc->tid = s->tid;
		rc->comm_len = (uint32_t)s->comm_len;
		memcpy(rc->comm, s->comm, s->comm_len);
		rc->id = id;
	}
	return id;
}

/* --event-filter=cpu-clock also takes cpu-clock:ppp (modifiers only). */
static int event_matches1(const char *filter, size_t k, int exact,
			  const char *ev, size_t n)
{
	size_t i;

	if (n == k && memcmp(filter, ev, n) == 0)
		return 1;
	if (exact || n <= k + 1 || memcmp(filter, ev, k) != 0 || ev[k] != ':')
		return 0;
	for (i = k + 1; i < n; i++)
		if (!((ev[i] >= 'a' && ev[i] <= 'z') || (ev[i] >= 'A' && ev[i] <= 'Z')))
			return 0;
	return 1;
}

/*
 * A filter given may list events, "cpu-clock,offcpu-time", all kept (the
 * two halves of a hot/cold profile); the first event seen, as a default,
 * is one event (tracepoints hold no commas).
 */
static int event_matches(const char *filter, size_t k, int exact,
			 const char *ev, size_t n)
{
	const char *c;

	if (exact)
		return event_matches1(filter, k, exact, ev, n);
	while ((c = memchr(filter, ',', k)) != NULL) {
		if (event_matches1(filter, (size_t)(c - filter), 0, ev, n))
			return 1;
		k -= (size_t)(c - filter) + 1;
		filter = c + 1;
	}
	return event_matches1(filter, k, 0, ev, n);
}

/* Add weight to the stack pf->stack[0..n), in input order too if asked. */
static int add(struct perf_fold *pf, size_t n, uint64_t weight)
{
	long k = fold_stack_get(pf->p, pf->stack, n);
	fold_count v[FOLD_MAXCOLS] = { { 0 } };

	if (k < 0 || fold_add_at(pf->p, (size_t)k, pf->o.col, weight) != 0)
		return -1;
	if (!pf->o.keep_order)
		return 0;
	if (pf->p->fractional)
		v[pf->o.col].f = (double)weight;
	else
		v[pf->o.col].u = weight;
	return fold_seq_add(pf->p, (size_t)k, v);
}

int perf_fold_sample(void *arg, const struct perf_sample *s)
{
	struct perf_fold *pf = arg;
	uint64_t weight = 1;
	uint32_t java;
	size_t i, j, n;
	int visible;

	/*
	 * Like stackcollapse-perf.pl, the event and period count only when
	 * the header has a time and ends with the event name (tracepoint
	 * records with fields after it are neither filtered nor weighted).
	 */
	visible = s->has_time && s->event != NULL && s->trailer_len == 0;
	if (visible) {
		if (pf->filter == NULL) {
			pf->filter = strndup(s->event, s->event_len);
			if (pf->filter == NULL)
				return oom(pf);
			pf->filter_len = s->event_len;
			pf->filter_defaulted = 1;
		} else if (!event_matches(pf->filter, pf->filter_len,
					  pf->filter_defaulted, s->event,
					  s->event_len)) {
			if (pf->filter_defaulted && !pf->filter_warned) {
				fold_diag_warn(pf->d, "%s:%llu: several event types: "
					       "keeping only \"%s\" (the first "
					       "seen), skipping \"%.*s\" and any "
					       "other; choose with --event-filter",
					       s->file, (unsigned long long)s->line,
					       pf->filter, (int)s->event_len,
					       s->event);
				pf->filter_warned = 1;
			}
			pf->st.filtered++;
			return 0;
		}
		if (s->has_period && s->period != 0)
			weight = s->period;
	}
	java = (s->comm_len >= 4 && memcmp(s->comm, "java", 4) == 0) ? KEY_JAVA : 0;
	n = 0;
	if (!pf->o.no_comm) {
		fold_id root = root_frame(pf, s);

		if (root == FOLD_NOID || reserve_stack(pf, 1) != 0)
			return oom(pf);
		pf->stack[n++] = root;
	}
	if (pf->o.skip_after != NULL) {
		if (assemble_skip(pf, s, java, &n) != 0)
			return oom(pf);
	} else {
		/* Frames come leaf first; the stack is built root first. */
		for (i = s->nframes; i-- > 0;) {
			uint32_t off = frame_rec(pf, s, i, java);
			const struct crec *r;

			if (off == NOREC)
				return oom(pf);
			r = rec(pf, off);
			if (n + r->nids > pf->capstack &&
			    reserve_stack(pf, n + r->nids) != 0)
				return oom(pf);
			for (j = 0; j < r->nids; j++)
				pf->stack[n++] = r->ids[j];
		}
	}
	if (n == 0) {
		pf->st.empty++;
		return 0;
	}
	if (pf->o.no_idle && n > (pf->o.no_comm ? 0u : 1u) &&
	    pf->stack[n - 1] < pf->idlecap && pf->idle[pf->stack[n - 1]]) {
		pf->st.idle++;
		return 0;
	}
	if (add(pf, n, weight) != 0) {
		fold_diag_error(pf->d, "%s:%llu: %s", s->file,
				(unsigned long long)s->line,
				errno == EOVERFLOW ? "count overflow" :
						     strerror(errno));
		return -1;
	}
	pf->st.samples++;
	pf->st.weighted += visible && s->has_period && s->period != 0;
	return 0;
}

/* ------------------------------------------------------------- reader */

struct perf_reader {
	struct perf_fold_opts fo;
	struct perf_parse_opts po;
	regex_t skip;
	int have_skip;
	/* The folding of the profile and column being read into. */
	struct perf_fold *pf;
	struct fold_profile *p;
	int col, keep_order;
	uint64_t headers, samples;	/* over every input of the run */
};

static const struct fold_reader_option perf_options[] = {
	{ "pid", NULL, "root frame comm-PID" },
	{ "tid", NULL, "root frame comm-PID/TID" },
	{ "kernel", NULL, "annotate kernel frames with _[k]" },
	{ "jit", NULL, "annotate JIT frames (/tmp/perf-PID.map) with _[j]" },
	{ "all", NULL, "--kernel and --jit" },
	{ "addrs", NULL, "keep addresses of unknown frames: [dso <addr>]" },
	{ "inline", NULL, "expand inlined functions (DWARF of the binaries)" },
	{ "context", NULL, "with --inline: func:file:line" },
	{ "srcline", NULL, "input made with -F +srcline: append :file:line" },
	{ "event-filter", "EV", "keep samples of event EV only, or of the "
	  "events of a list EV,EV (default: the first event seen)" },
	{ "no-comm", NULL, "no process-name root frame" },
	{ "skip-after", "RE", "drop frames rootward of the last frame matching "
	  "the extended regular expression RE" },
	{ "idle", NULL, "keep kernel idle-loop samples (the default)" },
	{ "no-idle", NULL, "drop kernel idle-loop samples" },
	{ "strict", NULL, "unrecognized lines are errors, not warnings" },
	{ NULL, NULL, NULL },
};

static int perf_set(void *state, const char *opt, const char *arg,
		    struct fold_diag *d)
{
	struct perf_reader *r = state;
	struct perf_fold_opts *fo = &r->fo;
	static const struct {
		const char *name;
		size_t field;
		int value;
	} flags[] = {
		{ "pid", offsetof(struct perf_fold_opts, pid), 1 },
		{ "tid", offsetof(struct perf_fold_opts, tid), 1 },
		{ "kernel", offsetof(struct perf_fold_opts, kernel), 1 },
		{ "jit", offsetof(struct perf_fold_opts, jit), 1 },
		{ "addrs", offsetof(struct perf_fold_opts, addrs), 1 },
		{ "inline", offsetof(struct perf_fold_opts, inline_frames), 1 },
		{ "context", offsetof(struct perf_fold_opts, context), 1 },
		{ "srcline", offsetof(struct perf_fold_opts, srcline), 1 },
		{ "no-comm", offsetof(struct perf_fold_opts, no_comm), 1 },
		{ "idle", offsetof(struct perf_fold_opts, no_idle), 0 },
		{ "no-idle", offsetof(struct perf_fold_opts, no_idle), 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(opt, flags[i].name) == 0) {
			memcpy((char *)fo + flags[i].field, &flags[i].value,
			       sizeof(int));
			return 0;
		}
	if (strcmp(opt, "all") == 0) {
		fo->kernel = fo->jit = 1;
	} else if (strcmp(opt, "strict") == 0) {
		r->po.strict = 1;
	} else if (strcmp(opt, "event-filter") == 0) {
		if (arg[0] == '\0') {
			fold_diag_error(d, "--event-filter needs an event name");
			return -1;
		}
		fo->event_filter = arg;
	} else if (strcmp(opt, "skip-after") == 0) {
		if (r->have_skip)
			regfree(&r->skip);
		r->have_skip = 0;
		if (fold_regcomp(&r->skip, opt, arg, d) != 0)
			return -1;
		r->have_skip = 1;
		fo->skip_after = &r->skip;
	}
	return 0;
}

static int perf_check(void *state, struct fold_diag *d)
{
	const struct perf_reader *r = state;

	if (r->fo.context && !r->fo.inline_frames) {
		fold_diag_error(d, "--context needs --inline");
		return -1;
	}
	return 0;
}

static int perf_read(void *state, struct fold_profile *p, struct fold_input *in,
		     const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct perf_reader *r = state;
	int col = p->ncols == 2 ? ro->col : 0;
	struct perf_parse_stats st;
	struct perf_parse_opts po = r->po;
	uint64_t before;
	int rc;

	/* One folding per profile and column: caches and the event kept. */
	if (r->pf == NULL || r->p != p || r->col != col ||
	    r->keep_order != ro->keep_order) {
		perf_fold_free(r->pf);
		r->fo.col = col;
		r->fo.keep_order = ro->keep_order;
		r->pf = perf_fold_new(p, &r->fo, d);
		if (r->pf == NULL)
			return -1;
		r->p = p;
		r->col = col;
		r->keep_order = ro->keep_order;
	}
	po.strict |= ro->strict;
	before = perf_fold_stats(r->pf)->samples;
	rc = perf_script_parse(in, &po, perf_fold_sample, r->pf, &st, d);
	if (rc != 0)
		return -1;
	r->headers += st.samples;
	r->samples += perf_fold_stats(r->pf)->samples - before;
	perf_fold_unit(r->pf, &p->unit[col]);
	return 0;
}

static void perf_done(void *state, struct fold_diag *d)
{
	const struct perf_reader *r = state;

	if (r->headers > 0 && r->samples == 0)
		fold_diag_warn(d, "no samples left%s", r->fo.event_filter ?
			       " (does --event-filter name an event of the "
			       "input?)" : "");
}

static void perf_free(void *state)
{
	struct perf_reader *r = state;

	perf_fold_free(r->pf);
	if (r->have_skip)
		regfree(&r->skip);
}

const struct fold_reader perf_script_reader = {
	.name = "perf",
	.title = "perf script output",
	.detect = perf_script_detect,
	.options = perf_options,
	.state_size = sizeof(struct perf_reader),
	.set = perf_set,
	.check = perf_check,
	.fold = perf_read,
	.done = perf_done,
	.free = perf_free,
};
