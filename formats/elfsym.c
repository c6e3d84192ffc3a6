/* elfsym.c - inline chains and source lines from DWARF, through libdwfl. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>

#include "elfsym.h"
#include "fold.h"

struct module {
	Dwfl *dwfl;
	Dwfl_Module *mod;	/* NULL: the file could not be used */
	int syms_loaded;
	struct fold_names syms;	/* function symbol names ... */
	uint64_t *symval;	/* ... and their addresses, by name id */
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
	size_t i;

	if (es == NULL)
		return;
	for (i = 0; i < es->paths.n; i++) {
		if (es->mods[i].dwfl != NULL)
			dwfl_end(es->mods[i].dwfl);
		if (es->mods[i].syms_loaded) {
			fold_names_free(&es->mods[i].syms);
			free(es->mods[i].symval);
		}
	}
	free(es->mods);
	fold_names_free(&es->paths);
	fold_arena_free(&es->strings);
	free(es);
}

static struct module *module(struct elfsym *es, const char *path)
{
	size_t before = es->paths.n;
	fold_id id = fold_intern(&es->paths, path, strlen(path));
	struct module *m;

	if (id == FOLD_NOID)
		return NULL;
	if (es->paths.n == before)
		return &es->mods[id];
	if (id >= es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 16;
		struct module *v = realloc(es->mods, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		es->mods = v;
		es->cap = cap;
	}
	m = &es->mods[id];
	memset(m, 0, sizeof(*m));
	m->dwfl = dwfl_begin(&callbacks);
	if (m->dwfl == NULL)
		return m;
	dwfl_report_begin(m->dwfl);
	/* Base 0 relative to p_vaddr: module addresses are file addresses. */
	m->mod = dwfl_report_elf(m->dwfl, path, path, -1, 0, true);
	if (dwfl_report_end(m->dwfl, NULL, NULL) != 0)
		m->mod = NULL;
	return m;
}

static int load_syms(struct module *m)
{
	int n, i;

	m->syms_loaded = 1;
	if (fold_names_init(&m->syms) != 0)
		return -1;
	n = dwfl_module_getsymtab(m->mod);
	if (n <= 0)
		return 0;
	m->symval = calloc((size_t)n, sizeof(*m->symval));
	if (m->symval == NULL)
		return -1;
	for (i = 1; i < n; i++) {
		GElf_Sym s;
		GElf_Addr a;
		const char *name = dwfl_module_getsym_info(m->mod, i, &s, &a,
							  NULL, NULL, NULL);
		size_t len;
		fold_id id;

		if (name == NULL || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    s.st_shndx == SHN_UNDEF)
			continue;
		/* .dynsym names may carry a version: "memcpy@@GLIBC_2.14". */
		len = strcspn(name, "@");
		id = fold_intern(&m->syms, name, len);
		if (id == FOLD_NOID)
			return -1;
		if (id < (fold_id)n && m->symval[id] == 0)
			m->symval[id] = a;
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
		if (id != FOLD_NOID && m->symval[id] != 0)
			addr = m->symval[id] + off;
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
