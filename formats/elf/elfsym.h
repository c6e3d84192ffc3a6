/*
 * elfsym.h - ELF/DWARF lookups through elfutils' libdwfl: the inline chain
 * and source lines at an address of a binary on disk.
 *
 * Used where a profile names a binary and an address in it (perf's
 * DSO-relative callchain addresses, gperftools' mapped addresses), in place
 * of spawning addr2line.  Each binary is opened once and kept.
 */
#ifndef ELFSYM_H
#define ELFSYM_H

#include <stddef.h>
#include <stdint.h>

struct elfsym;

/* One function of an inline chain. */
struct elfsym_frame {
	char *name;		/* qualified, without parameter list */
	const char *file;	/* source file name (basename), or NULL */
	int line;		/* 0 when unknown */
};

#define ELFSYM_MAXCHAIN 64

struct elfsym *elfsym_new(void);
void elfsym_free(struct elfsym *es);

/*
 * The functions at file address addr of the ELF file path, outermost (the
 * real function) first and the innermost inlined callee last.  sym/symlen,
 * if given, is the symbol name the profiler printed with the offset off
 * from it; when that symbol is found in the binary, sym + off is used,
 * which also works for profilers that print run-time addresses.  Set
 * caller for return addresses (non-leaf frames): the lookup is then made at
 * the call instruction.  Returns the number of frames filled (0 when the
 * binary or its DWARF cannot tell); names stay valid until elfsym_free().
 */
int elfsym_inline(struct elfsym *es, const char *path, uint64_t addr,
		  const char *sym, size_t symlen, int has_off, uint64_t off,
		  int caller, struct elfsym_frame *out, int max);

/*
 * Whether path opens as an ELF file (its libelf message in *why if not,
 * when why is given).  Each file is opened once.
 */
int elfsym_usable(struct elfsym *es, const char *path, const char **why);

/*
 * The file address (p_vaddr space) of the byte at file offset off, through
 * the PT_LOAD segment holding it: a mapping's run-time address pc becomes
 * vaddr(pc - start + offset) (formats/README.md, "gperftools: maps text
 * and address lookup").  exec: the segment must be executable.  0, or -1
 * when no such segment holds off.
 */
int elfsym_file_vaddr(struct elfsym *es, const char *path, uint64_t off,
		      int exec, uint64_t *vaddr);

/*
 * Whether the bytes of path just before file offset off end a call
 * instruction, as they must before a return address: 1 yes, 0 no (also
 * when they are not in an executable segment: no code there), -1 cannot
 * tell (not x86-64, or no such file).  A profile whose return addresses
 * mostly fail this names a different binary.  The code is read once per
 * file, so asking about every address of a large profile is cheap.
 */
int elfsym_call_before(struct elfsym *es, const char *path, uint64_t off);

/*
 * The function symbol at file address addr as perf names it, from .symtab
 * (the file's own or its separate debug file's), else .dynsym: of the
 * symbols at one address, perf's choice (sized, not weak, global, fewer
 * leading underscores, longer name); a sized symbol ends at its size, an
 * unsized one at the next symbol; names as in the table (a .symtab's
 * "cfree@GLIBC_2.2.5" kept), C++ demangled without parameter lists, as
 * perf script prints by default.  NULL when none; *off is addr minus the
 * symbol's value.
 */
const char *elfsym_perf_symbol(struct elfsym *es, const char *path,
			       uint64_t addr, uint64_t *off);

/*
 * Function names at file address addr, as `addr2line -f -C [-i]` prints
 * them (which is what google-pprof shows): out[0] the outermost (the real
 * function) ... the innermost inlined callee last.  Names come from DWARF (the linkage name demangled,
 * else DW_AT_name), else from the symbol table.  Like addr2line, this
 * remembers across calls: the first lookup in a function named without a
 * linkage name answers with the symbol at addr, and renames the function
 * for good if that symbol starts where the function does.  Asking about a
 * file's addresses in increasing order, as google-pprof has addr2line do,
 * gives its names.  0 when nothing names addr.  Names stay valid until
 * elfsym_free().
 */
int elfsym_functions(struct elfsym *es, const char *path, uint64_t addr,
		     const char **out, int max);

/*
 * Whether the file's own symbol tables define _fini: google-pprof expands
 * inlined frames only for such files (it needs that symbol to separate
 * addr2line's answers), so stripped system libraries get one frame each.
 */
int elfsym_defines_fini(struct elfsym *es, const char *path);

/* name demangled (C++ or Rust) into es's strings, or name itself. */
const char *elfsym_demangle(struct elfsym *es, const char *name);

#endif
