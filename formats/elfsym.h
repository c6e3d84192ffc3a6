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

#endif
