/* elfsym.c - inline chains and source lines from DWARF, through libdwfl. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <libiberty/demangle.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/elf/elfsym.h"
#include "libfold/fold.h"

/* A function symbol, for lookups by address. */
struct sym {
	uint64_t value, size;	/* value first: fold_upto_u64 */
	const char *name;	/* in the ELF data, version not yet dropped */
	uint32_t order;		/* index in its table */
	int ifunc;		/* STT_GNU_IFUNC, not STT_FUNC */
	int bind;		/* STB_LOCAL, STB_GLOBAL, STB_WEAK */
	int label;		/* STT_NOTYPE in code: perf only */
};

/*
 * A compilation unit's functions as binutils tables them: every subprogram
 * and inlined_subroutine with address ranges, each knowing the function it
 * is inlined into.  Built once per unit, on the first address in it.
 */
struct cufn {
	uint64_t die;		/* DIE offset */
	uint32_t parent;	/* enclosing function, or UINT32_MAX */
	uint64_t low;		/* first range's start (binutils' arange.low) */
};

struct curange {
	uint64_t lo, hi;
	uint32_t fn;
};

struct cutab {
	uint64_t cu;		/* CU DIE offset */
	struct cufn *fn;
	size_t nfn, capfn;
	struct curange *r;
	size_t nr, capr;
};

/* File bytes of an executable PT_LOAD segment, page-aligned start. */
struct codespan {
	uint64_t lo, hi;	/* file offsets [lo, hi) */
	const unsigned char *b;	/* the byte at lo; libelf owns it */
};

struct module {
	Dwfl *dwfl;
	Dwfl_Module *mod;	/* NULL: the file could not be used */
	const char *why;	/* then why not */
	int syms_loaded;
	struct fold_names syms;	/* function symbol names ... */
	uint32_t *symidx;	/* ... and their byaddr entry + 1, by name id */
	int byaddr_loaded;
	struct sym *byaddr;	/* by value, then table order */
	size_t nbyaddr;
	int fini;		/* -1 not yet known, else elfsym_defines_fini */
	struct fnstate *fns;	/* elfsym_functions' view of functions ... */
	size_t nfns, capfns;
	struct fold_index fnix;	/* ... by DIE offset */
	struct cutab *cus;	/* function tables of the units used */
	size_t ncus, capcus;
	int code_loaded;	/* 0 not yet, 1 read, -1 cannot tell (not x86-64) */
	struct codespan *code;	/* elfsym_call_before's view of the code */
	size_t ncode, capcode;
};

/*
 * A function as addr2line (binutils) sees it across lookups: its name, and
 * whether that name is settled.  The first lookup landing in a function
 * whose name is not a linkage name consults the symbol table and may
 * rename it for good (see elfsym_functions).
 */
struct fnstate {
	uint64_t die;		/* DIE offset */
	const char *name;
	int settled;
};

struct elfsym {
	struct fold_names paths;	/* path -> module index */
	struct module *mods;
	size_t cap;
	struct fold_arena strings;	/* names handed out */
};

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct elfsym *elfsym_new(void)
{
	struct elfsym *es = calloc(1, sizeof(*es));

	if (es == NULL)
		return NULL;
	if (fold_names_init(&es->paths) != 0) {
		free(es);
		return NULL;
	}
	fold_arena_init(&es->strings);
	return es;
}

void elfsym_free(struct elfsym *es)
{
	size_t i, j;

	if (es == NULL)
		return;
	for (i = 0; i < es->paths.n; i++) {
		if (es->mods[i].dwfl != NULL)
			dwfl_end(es->mods[i].dwfl);
		if (es->mods[i].syms_loaded) {
			fold_names_free(&es->mods[i].syms);
			free(es->mods[i].symidx);
		}
		free(es->mods[i].byaddr);
		free(es->mods[i].fns);
		for (j = 0; j < es->mods[i].ncus; j++) {
			free(es->mods[i].cus[j].fn);
			free(es->mods[i].cus[j].r);
		}
		free(es->mods[i].cus);
		free(es->mods[i].code);
		fold_index_free(&es->mods[i].fnix);
	}
	free(es->mods);
	fold_names_free(&es->paths);
	fold_arena_free(&es->strings);
	free(es);
}

/*
 * path opened for reading if it is a regular file, else -1 with *why set.
 * The names come from profiles (a map line, a perf frame's module): a FIFO
 * would block the open and then the read for ever, a device or a directory
 * is no ELF file.  O_NONBLOCK makes the open of a FIFO return at once, so
 * that fstat can refuse it; reads of a regular file never block anyway.
 */
static int open_regular(const char *path, const char **why)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) != 0)
		*why = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		*why = "a directory";
	else if (!S_ISREG(st.st_mode))
		*why = "not a regular file";
	else
		return fd;
	close(fd);
	return -1;
}

static struct module *module(struct elfsym *es, const char *path)
{
	size_t before = es->paths.n;
	fold_id id = fold_intern(&es->paths, path, strlen(path));
	struct module *m;
	int fd;

	if (id == FOLD_NOID)
		return NULL;
	if (es->paths.n == before)
		return &es->mods[id];
	if (fold_grow(&es->mods, &es->cap, (size_t)id + 1, sizeof(*es->mods)) != 0)
		return NULL;
	m = &es->mods[id];
	memset(m, 0, sizeof(*m));
	m->fini = -1;
	if ((fd = open_regular(path, &m->why)) < 0)
		return m;
	m->dwfl = dwfl_begin(&callbacks);
	if (m->dwfl == NULL) {
		m->why = dwfl_errmsg(-1);
		close(fd);
		return m;
	}
	dwfl_report_begin(m->dwfl);
	/*
	 * Base 0 relative to p_vaddr: module addresses are file addresses.
	 * libdwfl keeps fd when it succeeds, and leaves it to us when not.
	 */
	m->mod = dwfl_report_elf(m->dwfl, path, path, fd, 0, true);
	if (m->mod == NULL) {
		m->why = dwfl_errmsg(-1);
		close(fd);
	}
	if (dwfl_report_end(m->dwfl, NULL, NULL) != 0)
		m->mod = NULL;
	return m;
}

static int load_byaddr(struct module *m);

/*
 * The function symbols by name (version dropped), the first in table
 * order for a name: an index over the by-address table, so the symbol
 * table is read once for both.
 */
static int load_syms(struct module *m)
{
	size_t i;

	m->syms_loaded = 1;
	if (fold_names_init(&m->syms) != 0 ||
	    (!m->byaddr_loaded && load_byaddr(m) != 0))
		return -1;
	m->symidx = calloc(m->nbyaddr ? m->nbyaddr : 1, sizeof(*m->symidx));
	if (m->symidx == NULL)
		return -1;
	for (i = 0; i < m->nbyaddr; i++) {
		const struct sym *y = &m->byaddr[i];
		fold_id id;

		if (y->ifunc || y->label)
			continue;
		/* .dynsym names may carry a version: "memcpy@@GLIBC_2.14". */
		id = fold_intern(&m->syms, y->name, strcspn(y->name, "@"));
		if (id == FOLD_NOID)
			return -1;
		if (m->symidx[id] == 0 ||
		    y->order < m->byaddr[m->symidx[id] - 1].order)
			m->symidx[id] = (uint32_t)i + 1;
	}
	return 0;
}

static const char *call_file(Dwarf_Die *cu, Dwarf_Die *die, int *line)
{
	Dwarf_Attribute a;
	Dwarf_Word idx, ln;
	Dwarf_Files *files;
	size_t nfiles;
	const char *f;

	*line = 0;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &a), &ln) == 0)
		*line = (int)ln;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &a), &idx) != 0 ||
	    dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || idx >= nfiles)
		return NULL;
	f = dwarf_filesrc(files, idx, NULL, NULL);
	return f;
}

static const char *base_name(const char *path)
{
	const char *s;

	if (path == NULL)
		return NULL;
	s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* "ns::Class::method" for a function DIE, following origins to the decl. */
static char *qualified_name(struct elfsym *es, Dwarf_Die *die)
{
	Dwarf_Die d = *die, tmp, *sc = NULL;
	Dwarf_Attribute a;
	const char *name, *parts[32];
	size_t len = 0, nparts = 0, i;
	char *out, *p;
	int k, n;

	for (k = 0; k < 8; k++) {
		if (dwarf_formref_die(dwarf_attr(&d, DW_AT_abstract_origin, &a),
				      &tmp) != NULL ||
		    dwarf_formref_die(dwarf_attr(&d, DW_AT_specification, &a),
				      &tmp) != NULL)
			d = tmp;
		else
			break;
	}
	name = dwarf_diename(&d);
	if (name == NULL)
		return NULL;
	n = dwarf_getscopes_die(&d, &sc);
	for (k = n - 1; k >= 1 && nparts < 31; k--) {
		int tag = dwarf_tag(&sc[k]);
		const char *s;

		if (tag != DW_TAG_namespace && tag != DW_TAG_class_type &&
		    tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
			continue;
		s = dwarf_diename(&sc[k]);
		parts[nparts++] = s ? s : "(anonymous namespace)";
	}
	free(sc);
	parts[nparts++] = name;
	for (i = 0; i < nparts; i++)
		len += strlen(parts[i]) + 2;
	out = p = fold_arena_alloc(&es->strings, len + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < nparts; i++) {
		size_t l = strlen(parts[i]);

		memcpy(p, parts[i], l);
		p += l;
		if (i + 1 < nparts) {
			memcpy(p, "::", 2);
			p += 2;
		}
	}
	*p = '\0';
	return out;
}

int elfsym_inline(struct elfsym *es, const char *path, uint64_t addr,
		  const char *sym, size_t symlen, int has_off, uint64_t off,
		  int caller, struct elfsym_frame *out, int max)
{
	struct module *m = module(es, path);
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Addr bias;
	Dwfl_Line *dl;
	int ns, i, nf = 0, idx[ELFSYM_MAXCHAIN], line;
	const char *file;

	if (m == NULL || m->mod == NULL || max <= 0)
		return 0;
	if (sym != NULL && has_off) {
		fold_id id;

		if (!m->syms_loaded && load_syms(m) != 0)
			return 0;
		id = fold_names_find(&m->syms, sym, symlen);
		if (id != FOLD_NOID && m->symidx[id] != 0 &&
		    m->byaddr[m->symidx[id] - 1].value != 0)
			addr = m->byaddr[m->symidx[id] - 1].value + off;
	}
	if (caller && addr > 0)
		addr--;
	cu = dwfl_module_addrdie(m->mod, addr, &bias);
	if (cu == NULL)
		return 0;
	/*
	 * dwarf_getscopes() continues from an inlined instance into its
	 * abstract origin's scopes; the concrete chain of inlined calls comes
	 * from the parents of the innermost scope.
	 */
	ns = dwarf_getscopes(cu, addr - bias, &scopes);
	if (ns > 0) {
		Dwarf_Die innermost = scopes[0];

		free(scopes);
		scopes = NULL;
		ns = dwarf_getscopes_die(&innermost, &scopes);
	}
	for (i = 0; i < ns && nf < ELFSYM_MAXCHAIN && nf < max; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
			idx[nf++] = i;
		if (tag == DW_TAG_subprogram)
			break;
	}
	/* out[0] is the outermost: reverse the innermost-first scopes. */
	for (i = 0; i < nf; i++) {
		Dwarf_Die *die = &scopes[idx[nf - 1 - i]];

		out[i].name = qualified_name(es, die);
		if (out[i].name == NULL) {
			nf = 0;
			break;
		}
		if (i == nf - 1) {
			/* Innermost: the line of the address itself. */
			dl = dwfl_module_getsrc(m->mod, addr);
			file = dl ? dwfl_lineinfo(dl, NULL, &line, NULL, NULL,
						  NULL) : NULL;
		} else {
			/* Others: where the next inner function was inlined. */
			file = call_file(cu, &scopes[idx[nf - 2 - i]], &line);
		}
		out[i].file = base_name(file);
		out[i].line = file ? line : 0;
		if (out[i].file != NULL) {
			out[i].file = fold_arena_strndup(&es->strings, out[i].file,
							 strlen(out[i].file));
			if (out[i].file == NULL)
				out[i].line = 0;
		}
	}
	free(scopes);
	return nf;
}

int elfsym_usable(struct elfsym *es, const char *path, const char **why)
{
	struct module *m = module(es, path);

	if (m != NULL && m->mod != NULL)
		return 1;
	if (why != NULL)
		*why = m != NULL && m->why != NULL ? m->why : "out of memory";
	return 0;
}

static Elf *main_elf(struct module *m)
{
	Dwarf_Addr bias;

	return m != NULL && m->mod != NULL ? dwfl_module_getelf(m->mod, &bias)
					   : NULL;
}

int elfsym_file_vaddr(struct elfsym *es, const char *path, uint64_t off,
		      int exec, uint64_t *vaddr)
{
	Elf *elf = main_elf(module(es, path));
	size_t n, i;

	if (elf == NULL || elf_getphdrnum(elf, &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) == NULL ||
		    ph.p_type != PT_LOAD || (exec && !(ph.p_flags & PF_X)))
			continue;
		/* A mapping starts on a page: compare whole pages. */
		if (off >= (ph.p_offset & ~(uint64_t)0xfff) &&
		    off < ph.p_offset + ph.p_filesz) {
			*vaddr = off - ph.p_offset + ph.p_vaddr;
			return 0;
		}
	}
	return -1;
}

/*
 * The executable segments' bytes, each read once: asking libelf for a
 * chunk per address made it keep every chunk, and a profile with 200,000
 * return addresses took minutes.  1, or -1 when the file cannot tell (not
 * x86-64, the only code elfsym_call_before decodes).
 */
static int load_code(struct module *m)
{
	Elf *elf = main_elf(m);
	GElf_Ehdr eh;
	size_t n, i;

	m->code_loaded = -1;
	if (elf == NULL || gelf_getehdr(elf, &eh) == NULL ||
	    eh.e_machine != EM_X86_64 || elf_getphdrnum(elf, &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;
		Elf_Data *d;
		uint64_t lo;

		if (gelf_getphdr(elf, (int)i, &ph) == NULL ||
		    ph.p_type != PT_LOAD || !(ph.p_flags & PF_X) ||
		    ph.p_filesz == 0 || ph.p_offset > INT64_MAX - ph.p_filesz)
			continue;
		/* Whole pages, as elfsym_file_vaddr takes offsets. */
		lo = ph.p_offset & ~(uint64_t)0xfff;
		d = elf_getdata_rawchunk(elf, (int64_t)lo,
					 ph.p_offset + ph.p_filesz - lo,
					 ELF_T_BYTE);
		if (d == NULL || d->d_buf == NULL)
			continue;
		if (fold_grow(&m->code, &m->capcode, m->ncode + 1,
			      sizeof(*m->code)) != 0)
			return -1;
		m->code[m->ncode++] = (struct codespan){
			lo, ph.p_offset + ph.p_filesz, d->d_buf };
	}
	m->code_loaded = 1;
	return 1;
}

int elfsym_call_before(struct elfsym *es, const char *path, uint64_t off)
{
	struct module *m = module(es, path);
	const unsigned char *b = NULL;
	size_t i;
	int k;

	if (m == NULL || m->mod == NULL)
		return -1;
	if (m->code_loaded == 0)
		load_code(m);
	if (m->code_loaded < 0)
		return -1;
	for (i = 0; i < m->ncode && b == NULL; i++)
		if (off >= m->code[i].lo + 8 && off <= m->code[i].hi)
			b = m->code[i].b + (off - 8 - m->code[i].lo);
	if (b == NULL)		/* no code before off: no call either */
		return 0;
	/* b[8] would be the byte at off */
	if (b[3] == 0xe8)	/* call rel32 */
		return 1;
	/* call *r/m: ff /2, 2 to 7 bytes with REX, SIB and displacements. */
	for (k = 2; k <= 7; k++) {
		unsigned char modrm = b[8 - k + 1];

		if (b[8 - k] == 0xff && (modrm >> 3 & 7) == 2)
			return 1;
	}
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The function symbols by address (dwfl picks .symtab, else .dynsym). */
static int load_byaddr(struct module *m)
{
	int n, i;

	m->byaddr_loaded = 1;
	n = dwfl_module_getsymtab(m->mod);
	if (n <= 1)
		return 0;
	m->byaddr = malloc((size_t)n * sizeof(*m->byaddr));
	if (m->byaddr == NULL)
		return -1;
	for (i = 1; i < n; i++) {
		GElf_Sym s;
		GElf_Addr a;
		GElf_Word shndx;
		Elf *elf = NULL;
		const char *name = dwfl_module_getsym_info(m->mod, i, &s, &a,
							  &shndx, &elf, NULL);
		int t = GELF_ST_TYPE(s.st_info), label = 0;

		if (name == NULL || name[0] == '\0' || s.st_shndx == SHN_UNDEF)
			continue;
		if (t == STT_NOTYPE && s.st_shndx != SHN_ABS && elf != NULL &&
		    GELF_ST_VISIBILITY(s.st_other) != STV_HIDDEN &&
		    GELF_ST_VISIBILITY(s.st_other) != STV_INTERNAL) {
			/* An assembler label in code, which perf names. */
			GElf_Shdr sh;
			Elf_Scn *scn = elf_getscn(elf, shndx);

			label = scn != NULL && gelf_getshdr(scn, &sh) != NULL &&
				(sh.sh_flags & SHF_EXECINSTR);
		}
		if (!label && t != STT_FUNC && t != STT_GNU_IFUNC)
			continue;
		m->byaddr[m->nbyaddr++] = (struct sym){
			a, s.st_size, name, (uint32_t)i, t == STT_GNU_IFUNC,
			GELF_ST_BIND(s.st_info), label };
	}
	qsort(m->byaddr, m->nbyaddr, sizeof(*m->byaddr), sym_cmp);
	return 0;
}

/*
 * binutils' choice (elf_find_function, better_fit): the symbols with the
 * largest value <= addr; of those, the first in table order that covers
 * addr, else the one covering the most.
 */
/*
 * The number of m's symbols at or below addr (the index of the first one
 * above it), loading the table first; 0 also when it cannot be loaded.
 */
static size_t syms_upto(struct module *m, uint64_t addr)
{
	if (!m->byaddr_loaded && load_byaddr(m) != 0)
		return 0;
	return fold_upto_u64(m->byaddr, m->nbyaddr, sizeof(*m->byaddr), addr);
}

static const struct sym *sym_at(struct module *m, uint64_t addr)
{
	const struct sym *v, *best = NULL;
	size_t lo = syms_upto(m, addr), i;

	v = m->byaddr;
	while (lo > 0 && v[lo - 1].label)	/* labels are perf's only */
		lo--;
	if (lo == 0)
		return NULL;
	i = lo - 1;
	while (i > 0 && v[i - 1].value == v[lo - 1].value)
		i--;
	for (; i < lo; i++) {
		int covers = addr < v[i].value + v[i].size;

		if (v[i].label)
			continue;
		if (best == NULL)
			best = &v[i];
		else if (best->value + best->size <= addr)
			best = covers || v[i].size > best->size ? &v[i] : best;
		else if (covers && v[i].size < best->size)
			best = &v[i];
	}
	return best;
}

static const char *demangle(struct elfsym *es, const char *name, int flags)
{
	char *d, *out;

	if (name[0] != '_' || (name[1] != 'Z' && name[1] != 'R'))
		return name;
	d = cplus_demangle(name, flags);
	if (d == NULL)
		return name;
	out = fold_arena_strndup(&es->strings, d, strlen(d));
	free(d);
	return out != NULL ? out : name;
}

const char *elfsym_demangle(struct elfsym *es, const char *name)
{
	return demangle(es, name, DMGL_PARAMS | DMGL_ANSI);
}

/* A symbol's name without "@VER", demangled. */
static const char *sym_name(struct elfsym *es, const struct sym *s)
{
	size_t len = strcspn(s->name, "@");
	char *n;

	if (s->name[len] == '\0')
		return elfsym_demangle(es, s->name);
	n = fold_arena_strndup(&es->strings, s->name, len);
	return n != NULL ? elfsym_demangle(es, n) : NULL;
}

static int underscores(const char *s)
{
	int n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/*
 * perf's choose_best_symbol() between two symbols at one address: one
 * with a size, then not weak, then global, then fewer leading
 * underscores, then the longer name.  1 when a wins.
 */
static int perf_better(const struct sym *a, const struct sym *b)
{
	size_t na, nb;

	if ((a->size > 0) != (b->size > 0))
		return a->size > 0;
	if ((a->bind == STB_WEAK) != (b->bind == STB_WEAK))
		return b->bind == STB_WEAK;
	if ((a->bind == STB_GLOBAL) != (b->bind == STB_GLOBAL))
		return a->bind == STB_GLOBAL;
	if (underscores(a->name) != underscores(b->name))
		return underscores(a->name) < underscores(b->name);
	na = strlen(a->name);
	nb = strlen(b->name);
	return na >= nb;	/* on a tie perf keeps the first */
}

const char *elfsym_perf_symbol(struct elfsym *es, const char *path,
			       uint64_t addr, uint64_t *off)
{
	struct module *m = module(es, path);
	const struct sym *v, *best;
	size_t lo, i;
	uint64_t end;

	if (m == NULL || m->mod == NULL || (lo = syms_upto(m, addr)) == 0)
		return NULL;
	v = m->byaddr;
	i = lo - 1;
	best = &v[i];
	while (i > 0 && v[i - 1].value == best->value) {
		i--;
		if (perf_better(&v[i], best))
			best = &v[i];
	}
	/* A sized symbol ends at its size, an unsized one at the next. */
	end = best->size > 0 ? best->value + best->size :
	      lo < m->nbyaddr ? v[lo].value : UINT64_MAX;
	if (addr >= end)
		return NULL;
	*off = addr - best->value;
	return best->name[1] == 'Z' ? demangle(es, best->name, DMGL_NO_OPTS) :
				      best->name;
}

int elfsym_defines_fini(struct elfsym *es, const char *path)
{
	struct module *m = module(es, path);
	Elf *elf = main_elf(m);
	Elf_Scn *scn = NULL;

	if (elf == NULL)
		return 0;
	if (m->fini >= 0)
		return m->fini;
	m->fini = 0;
	while (!m->fini && (scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_entsize == 0 ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 1; i < n; i++) {
			GElf_Sym s;
			const char *name;

			if (gelf_getsym(data, (int)i, &s) == NULL)
				break;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (name != NULL && s.st_shndx != SHN_UNDEF &&
			    strcmp(name, "_fini") == 0) {
				m->fini = 1;
				break;
			}
		}
	}
	return m->fini;
}

/* Languages whose DW_AT_name is the symbol name (binutils' mangle_style 0). */
static int plain_names(Dwarf_Die *cu)
{
	switch (dwarf_srclang(cu)) {
	case DW_LANG_C89: case DW_LANG_C: case DW_LANG_C99: case DW_LANG_C11:
	case DW_LANG_Cobol74: case DW_LANG_Cobol85: case DW_LANG_Fortran77:
	case DW_LANG_Pascal83: case DW_LANG_PLI: case DW_LANG_UPC:
	case DW_LANG_Mips_Assembler:
		return 1;
	default:
		return 0;
	}
}

/*
 * A function DIE's name as binutils reads it: a linkage name on the DIE
 * or on what it refers to (abstract origin, specification), demangled,
 * else the first DW_AT_name met.  *linkage: the name is final (a linkage
 * name, or a plain-name language).
 */
static const char *die_name(struct elfsym *es, Dwarf_Die *cu, Dwarf_Die *die,
			    int *linkage)
{
	Dwarf_Die d = *die, tmp;
	Dwarf_Attribute a;
	const char *name = NULL, *s;
	int k;

	*linkage = 0;
	for (k = 0; k < 8; k++) {
		s = dwarf_formstring(dwarf_attr(&d, DW_AT_linkage_name, &a));
		if (s == NULL)
			s = dwarf_formstring(dwarf_attr(&d,
					     DW_AT_MIPS_linkage_name, &a));
		if (s != NULL) {
			*linkage = 1;
			return elfsym_demangle(es, s);
		}
		if (name == NULL)
			name = dwarf_formstring(dwarf_attr(&d, DW_AT_name, &a));
		if (dwarf_formref_die(dwarf_attr(&d, DW_AT_abstract_origin, &a),
				      &tmp) == NULL &&
		    dwarf_formref_die(dwarf_attr(&d, DW_AT_specification, &a),
				      &tmp) == NULL)
			break;
		d = tmp;
	}
	*linkage = name != NULL && plain_names(cu);
	return name;
}

/* The state of the function DIE die, created on first sight. */
static struct fnstate *fn_state(struct elfsym *es, struct module *m,
				Dwarf_Die *cu, Dwarf_Die *die)
{
	uint64_t off = dwarf_dieoffset(die);
	uint32_t h = (uint32_t)(fold_hash(&off, sizeof(off)) >> 32);
	size_t i;

	if (m->fnix.slot == NULL && fold_index_init(&m->fnix, 64) != 0)
		return NULL;
	for (i = h & m->fnix.mask; m->fnix.slot[i] != 0;
	     i = (i + 1) & m->fnix.mask) {
		uint64_t e = m->fnix.slot[i];

		if ((uint32_t)(e >> 32) == h && m->fns[(uint32_t)e - 1].die == off)
			return &m->fns[(uint32_t)e - 1];
	}
	if (fold_grow(&m->fns, &m->capfns, m->nfns + 1, sizeof(*m->fns)) != 0)
		return NULL;
	if (fold_index_insert(&m->fnix, i, h, (uint32_t)m->nfns) != 0)
		return NULL;
	m->fns[m->nfns].die = off;
	m->fns[m->nfns].name = die_name(es, cu, die, &m->fns[m->nfns].settled);
	return &m->fns[m->nfns++];
}

static int cu_add_fn(struct cutab *t, Dwarf_Die *die, uint32_t parent)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	uint32_t me = (uint32_t)t->nfn;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (fold_grow(&t->r, &t->capr, t->nr + 1, sizeof(*t->r)) != 0)
			return -1;
		if (t->nfn == me) {
			if (fold_grow(&t->fn, &t->capfn, t->nfn + 1,
				      sizeof(*t->fn)) != 0)
				return -1;
			t->fn[t->nfn++] = (struct cufn){ dwarf_dieoffset(die),
							 parent, lo };
		}
		t->r[t->nr++] = (struct curange){ lo, hi, me };
	}
	return t->nfn > me ? (int)me : -2;	/* -2: no ranges */
}

#define CU_DEPTH 128

/* Walk the unit's DIE tree once, in DIE order. */
static int cu_build(struct cutab *t, Dwarf_Die *cu)
{
	Dwarf_Die stack[CU_DEPTH];
	uint32_t fnat[CU_DEPTH];	/* the function each level is in */
	int depth = 0;

	if (dwarf_child(cu, &stack[0]) != 0)
		return 0;
	fnat[0] = UINT32_MAX;
	for (;;) {
		Dwarf_Die *d = &stack[depth];
		int tag = dwarf_tag(d), me = -2;

		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
			me = cu_add_fn(t, d, fnat[depth]);
			if (me == -1)
				return -1;
		}
		if (dwarf_haschildren(d) && depth + 1 < CU_DEPTH &&
		    dwarf_child(d, &stack[depth + 1]) == 0) {
			fnat[depth + 1] = me >= 0 ? (uint32_t)me : fnat[depth];
			depth++;
			continue;
		}
		while (dwarf_siblingof(&stack[depth], &stack[depth]) != 0)
			if (depth-- == 0)
				return 0;
	}
}

static struct cutab *cu_table(struct module *m, Dwarf_Die *cu)
{
	uint64_t off = dwarf_dieoffset(cu);
	struct cutab *t;
	size_t i;

	for (i = m->ncus; i-- > 0;)
		if (m->cus[i].cu == off)
			return &m->cus[i];
	if (fold_grow(&m->cus, &m->capcus, m->ncus + 1, sizeof(*m->cus)) != 0)
		return NULL;
	t = &m->cus[m->ncus];
	memset(t, 0, sizeof(*t));
	t->cu = off;
	if (cu_build(t, cu) != 0) {
		free(t->fn);
		free(t->r);
		return NULL;
	}
	return &m->cus[m->ncus++];
}

/*
 * binutils' lookup_address_in_function_table: the function with the
 * smallest range holding addr, the later one on a tie (so of the
 * subprograms the assembler writes for each alias of a routine, __munmap,
 * munmap, __GI_munmap ..., the last).
 */
static uint32_t cu_lookup(const struct cutab *t, uint64_t addr)
{
	uint32_t best = UINT32_MAX;
	uint64_t len = UINT64_MAX;
	size_t i;

	for (i = 0; i < t->nr; i++) {
		const struct curange *r = &t->r[i];

		if (addr < r->lo || addr >= r->hi)
			continue;
		if (r->hi - r->lo < len ||
		    (r->hi - r->lo == len && r->fn > best)) {
			best = r->fn;
			len = r->hi - r->lo;
		}
	}
	return best;
}

int elfsym_functions(struct elfsym *es, const char *path, uint64_t addr,
		     const char **out, int max)
{
	struct module *m = module(es, path);
	Dwarf_Die *cu, die;
	Dwarf_Addr bias;
	Dwarf *dbg;
	const struct sym *s;
	struct cutab *t = NULL;
	uint32_t f = UINT32_MAX, chain[ELFSYM_MAXCHAIN];
	int i, nf = 0;

	if (m == NULL || m->mod == NULL || max <= 0)
		return 0;
	s = sym_at(m, addr);
	cu = dwfl_module_addrdie(m->mod, addr, &bias);
	dbg = dwfl_module_getdwarf(m->mod, &bias);
	if (cu != NULL && dbg != NULL && (t = cu_table(m, cu)) != NULL)
		f = cu_lookup(t, addr - bias);
	for (; f != UINT32_MAX && nf < ELFSYM_MAXCHAIN; f = t->fn[f].parent)
		chain[nf++] = f;
	if (nf == 0) {
		if (s == NULL)
			return 0;
		out[0] = sym_name(es, s);
		return out[0] != NULL;
	}
	if (nf > max)
		nf = max;
	/*
	 * chain[] is innermost first, out[] outermost first.  The innermost
	 * is named as addr2line names it: a function without a settled name
	 * takes, the first time, the name of the symbol at addr, and keeps it
	 * for later lookups if that symbol starts where it does (an
	 * out-of-line C++ member without DW_AT_linkage_name gets its full
	 * demangled name this way).
	 */
	for (i = 0; i < nf; i++) {
		const struct cufn *fn = &t->fn[chain[i]];
		struct fnstate *st;
		const char *name;

		if (dwarf_offdie(dbg, fn->die, &die) == NULL ||
		    (st = fn_state(es, m, cu, &die)) == NULL)
			return 0;
		name = st->name;
		if (i == 0 && !st->settled) {
			if (s != NULL) {
				name = sym_name(es, s);
				if (fn->low + bias == s->value)
					st->name = name;
			}
			st->settled = 1;
		}
		out[nf - 1 - i] = name != NULL ? name : "??";
	}
	return nf;
}
