# fgkit - flame graph and profile conversion toolkit
#
#   make            build bin/* and build/libfold.a
#   make run        record a demo (or take a bundled recording), and write
#                   out.folded, out.svg and out.png
#   make test       install what is missing, build, run every test
#                   (STRICT=1: a check this machine skips is a failure)
#   make bench      throughput and peak RSS on large generated inputs
#   make fuzz       libFuzzer targets (clang) in build/fuzz/; make fuzz-run
#                   runs each 10 minutes, make fuzz-smoke 20 s (in make test)
#   make mutate     check that the tests catch tests/mutations.tsv
#   make install    PREFIX=/usr/local DESTDIR=

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1

CC ?= cc
CFLAGS ?= -O2 -g
# CI sets WERROR=1.
WERROR ?=
WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wno-missing-field-initializers
FG_CFLAGS = -std=c11 $(WARNINGS) $(if $(WERROR),-Werror)
# Code generated from formats/profile.proto by protoc-c.
GEN = build/gen
# Includes name their folder from the top of the tree ("formats/perf/perf_script.h").
FG_CPPFLAGS = -D_GNU_SOURCE -DFGKIT_VERSION='"$(VERSION)"' -I. -I$(GEN)
# fontconfig picks the first installed font of a list for cairo.
PKGS = cairo cairo-ft fontconfig libprotobuf-c libgvc json-c
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS = -ldw -lelf -liberty -lz $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcairo -lfontconfig -lfreetype -lprotobuf-c -lgvc -lcgraph -lcdt -ljson-c) -lm

# Object and binary directories (the sanitizer build uses its own).
B ?= build
BIN ?= bin

CMDS = fg-collapse fg-svg fg-icicle fg-diff fg-pprof fg-record fg-dot fg-top

# Sources are found in every folder under libfold/ and formats/.
LIBFOLD_SRC = $(shell find libfold -name '*.c' | LC_ALL=C sort)
PROTO_DIR = $(GEN)/formats/pprof
PROTO_SRC = $(PROTO_DIR)/profile.pb-c.c
FORMATS_SRC = $(shell find formats -name '*.c' | LC_ALL=C sort) $(PROTO_SRC)
CMD_UTIL_SRC = cmd/util.c cmd/flamecmd.c cmd/graphcmd.c
HDRS = $(shell find libfold formats cmd -name '*.h') $(PROTO_DIR)/profile.pb-c.h

LIBFOLD = $(B)/libfold.a
LIBFORMATS = $(B)/libformats.a
CMD_UTIL = $(B)/libcmd.a
BINS = $(CMDS:%=$(BIN)/%)
UNIT = $(B)/tests/unit_fold
TOOLS = $(B)/tests/measure $(B)/tests/svgframes $(B)/tests/pngpixel $(B)/tests/gperfdump \
	$(B)/tests/split $(B)/tests/perfsym $(B)/tests/offcpu

SAN = -fsanitize=address,undefined -fno-omit-frame-pointer \
      -fno-sanitize-recover=all
# clang's UBSan checks more (pointer overflow, for one) than gcc 12's.
SAN_CC ?= $(shell command -v clang > /dev/null 2>&1 && echo clang || echo $(CC))

.PHONY: all test run bench fuzz fuzz-deps fuzz-run fuzz-smoke install clean deps asan mutate
# Keep objects between builds.
.SECONDARY:

all: $(BINS) $(LIBFOLD) $(UNIT)

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(FG_CPPFLAGS) $(PKG_CFLAGS) $(CPPFLAGS) $(FG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(PROTO_DIR)/profile.pb-c.c $(PROTO_DIR)/profile.pb-c.h: formats/pprof/profile.proto
	@mkdir -p $(PROTO_DIR)
	protoc-c --c_out=$(PROTO_DIR) -Iformats/pprof formats/pprof/profile.proto

# Generated code is not held to our warning flags.
$(B)/$(PROTO_SRC:.c=.o): $(PROTO_SRC) $(PROTO_DIR)/profile.pb-c.h
	@mkdir -p $(dir $@)
	$(CC) $(FG_CPPFLAGS) $(PKG_CFLAGS) $(CPPFLAGS) -std=c11 $(CFLAGS) -c -o $@ $<

# The SVG script is assembled in from its own source file.
$(B)/formats/flame/flame_js.o: formats/flame/flame.js

# The SVG checker of the tests reads documents with libxml2.
$(B)/tests/svgframes: tests/svgframes.c
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE $(FG_CFLAGS) $(CFLAGS) $$(pkg-config --cflags libxml-2.0) -o $@ $< \
		$$(pkg-config --libs libxml-2.0) -lm

# fg-record's test workload: unoptimized, so every function keeps its
# frame pointer and the kernel's unwinder sees the whole chain.
$(B)/tests/split: testdata/src/split.c
	@mkdir -p $(dir $@)
	$(CC) -O0 -g -fno-omit-frame-pointer -o $@ $<

# fg-record --off-cpu's: known blocked and runnable time, frame pointers too.
$(B)/tests/offcpu: testdata/src/offcpu.c
	@mkdir -p $(dir $@)
	$(CC) -O0 -g -fno-omit-frame-pointer -pthread -o $@ $<

$(B)/tests/pngpixel: tests/pngpixel.c
	@mkdir -p $(dir $@)
	$(CC) $(FG_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(LIBS)

$(LIBFOLD): $(LIBFOLD_SRC:%.c=$(B)/%.o)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# An archive, so each command links only the helpers it uses.
$(CMD_UTIL): $(CMD_UTIL_SRC:%.c=$(B)/%.o)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBFORMATS): $(FORMATS_SRC:%.c=$(B)/%.o)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/%: $(B)/cmd/%.o $(CMD_UTIL) $(LIBFORMATS) $(LIBFOLD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(LIBS)

$(B)/tests/%: $(B)/tests/%.o $(LIBFORMATS) $(LIBFOLD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The same programs built with AddressSanitizer and UBSan, for the tests.
asan:
	$(MAKE) CC=$(SAN_CC) B=build/asan BIN=build/asan/bin CFLAGS="-O1 -g $(SAN)" \
		LDFLAGS="$(SAN)" $(CMDS:%=build/asan/bin/%) build/asan/tests/unit_fold \
		build/asan/tests/gperfdump

deps:
	@tests/deps.sh build test

test:
	@tests/deps.sh build test browser
	$(MAKE) all $(TOOLS)
	$(MAKE) asan
	$(MAKE) $(FUZZ_TARGETS:%=build/fuzz/%)
	STRICT=$(STRICT) FG_FUZZ_SECONDS=20 tests/run.sh

run:
	@tests/deps.sh build
	@$(MAKE) -s all
	@tests/demo.sh

bench: deps
	$(MAKE) all $(TOOLS)
	tests/bench.sh

FUZZ_TARGETS = fuzz_perf fuzz_folded fuzz_svg fuzz_diff fuzz_pprof fuzz_gperf fuzz_record \
	       fuzz_readers fuzz_graph fuzz_stacks fuzz_runtimes
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
# Each one-line mutation of tests/mutations.tsv, applied to a copy of the
# tree: the fast test variant must fail on every one.
mutate: deps
	tests/mutate.sh

# The sources are compiled once for every target (instrumented objects in
# build/fuzz/obj), each target one file over them.
FUZZ_OBJ = $(LIBFOLD_SRC:%.c=build/fuzz/obj/%.o) $(FORMATS_SRC:%.c=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	clang $(FG_CPPFLAGS) $(PKG_CFLAGS) -std=c11 $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	clang $(FG_CPPFLAGS) $(PKG_CFLAGS) -std=c11 $(FUZZ_FLAGS) -o $@ $< $(FUZZ_OBJ) $(LIBS)

fuzz-deps:
	@tests/deps.sh fuzz

# make fuzz: build the targets; FUZZ_SECONDS=600 make fuzz-run: run each
# for that long (new inputs in build/fuzz/corpus-NAME, crashes in
# build/fuzz/crash-NAME-*); make fuzz-smoke: 20 s each, as make test does.
fuzz: fuzz-deps
	$(MAKE) $(FUZZ_TARGETS:%=build/fuzz/%)
	@echo "fuzz targets in build/fuzz/: $(FUZZ_TARGETS); run them with"
	@echo "  make fuzz-run FUZZ_SECONDS=600    (or make fuzz-smoke: 20 s each)"

FUZZ_SECONDS ?= 600
fuzz-run: fuzz
	tests/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz
	tests/fuzz.sh 20 $(FUZZ_TARGETS)

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(CMDS:%=cmd/%.1) $(DESTDIR)$(MANDIR)

clean:
	rm -rf build bin
