#!/bin/bash
# run.sh - fgkit's tests.  Prints PASS/FAIL per test and ends with
# "N passed, N failed"; exits non-zero if anything failed.
#
# Every test runs against each build variant in FG_VARIANTS (default: the
# normal build, then the AddressSanitizer/UBSan build if it exists).
set -u
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C

VARIANTS=${FG_VARIANTS:-"bin build/asan/bin"}
TD=testdata
T=$(mktemp -d "${TMPDIR:-/tmp}/fgkit-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

pass=0
fail=0
skipped=0
tag=""
# Random inputs come from this seed (FG_SEED=N repeats a run's inputs).
SEED=${FG_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

# random_bytes N FILE: N pseudo-random bytes from the run's seed (and the
# file's name, so that different files differ).
random_bytes() {
	perl -e 'srand(shift); print pack("C*", map { int(rand(256)) } 1 .. shift)' \
		"$(( (SEED + $(basename "$2" | cksum | cut -d' ' -f1)) % 4294967296 ))" "$1" > "$2"
}

ok() { echo "PASS $tag$1"; pass=$((pass + 1)); }
bad() {
	echo "FAIL $tag$1"
	shift
	for l in "$@"; do echo "    $l"; done
	fail=$((fail + 1))
}
# skip NAME WHY: a check this machine cannot make (no permission to
# record, no go installed).  Counted apart; STRICT=1 (make test STRICT=1,
# for machines that should be able to run everything) makes it a failure.
skip() {
	if [ "${STRICT:-0}" != 0 ]; then
		bad "$1" "skipped, and STRICT is set: $2"
	else
		echo "SKIP $tag$1: $2"
		skipped=$((skipped + 1))
	fi
}

# sub_results NAME WANT STATUS FILE: the "PASS x" and "FAIL x: why" lines a
# program wrote to FILE, each counted as ours; the program must have
# written WANT of them and exited 0, or 1 after reporting a failure.
# A crash or a short run is a failure of its own.
sub_results() {
	local name=$1 want=$2 st=$3 file=$4 line n=0 nf=0
	while read -r line; do
		case $line in
		PASS\ *) ok "${line#PASS }"; n=$((n + 1)) ;;
		FAIL\ *) bad "${line#FAIL }"; n=$((n + 1)); nf=$((nf + 1)) ;;
		\#*) echo "$line" ;;
		*) bad "$name/output" "$line" ;;
		esac
	done < "$file"
	if [ "$n" -ne "$want" ]; then
		bad "$name/complete" "$n results of the $want it runs (exit status $st)"
	elif [ "$st" -ne 0 ] && { [ "$nf" -eq 0 ] || [ "$st" -ne 1 ]; }; then
		bad "$name/exit" "exit status $st with $nf failures reported"
	fi
}

# same NAME EXPECTED_FILE ACTUAL_FILE
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		bad "$1" "$(diff "$2" "$3" | head -6 | cut -c1-200)"
	fi
}

# expect_status NAME STATUS STDERR_PATTERN -- CMD...: exit status and a
# one-line message matching the pattern
expect_error() {
	local name=$1 want=$2 pat=$3
	shift 4
	"$@" > "$T/out" 2> "$T/err"
	judge_error "$name" "$want" "$pat" $?
}

# measured CMD...: run CMD, its output in $T/out and $T/err, and print its
# exit status and peak RSS in KiB (0 in the sanitized build, whose own
# memory would swamp what is measured)
measured() {
	local m
	if [ -n "$tag" ]; then
		"$@" > "$T/out" 2> "$T/err"
		echo "$? 0"
		return
	fi
	m=$(build/tests/measure -n 1 -e -o "$T/out" -- "$@" 2> "$T/err")
	set -- $m
	[ $# -eq 7 ] && echo "$7 $5" || echo "127 0 measure failed: $m"
}

# expect_error_within NAME KIB STDERR_PATTERN -- CMD...: as expect_error
# with status 1, and the command's peak RSS at most KIB KiB
expect_error_within() {
	local name=$1 kib=$2 pat=$3
	shift 4
	set -- $(measured "$@")
	if [ "$2" -gt "$kib" ]; then
		bad "$name" "peak RSS $2 KiB, want at most $kib KiB (exit status $1)" "$(head -3 "$T/err")"
	else
		judge_error "$name" 1 "$pat" "$1"
	fi
}

# judge_error NAME STATUS STDERR_PATTERN ST: the run that left $T/err
# exited ST
judge_error() {
	local name=$1 want=$2 pat=$3 st=$4
	if [ "$st" -ne "$want" ]; then
		bad "$name" "exit status $st, want $want" "$(head -3 "$T/err")"
	elif ! grep -Eq -- "$pat" "$T/err"; then
		bad "$name" "stderr does not match /$pat/:" "$(head -3 "$T/err")"
	elif [ "$(wc -l < "$T/err")" -gt 1 ] && [ "$want" -ne 2 ]; then
		bad "$name" "more than one line on stderr:" "$(head -3 "$T/err")"
	elif grep -q 'AddressSanitizer\|runtime error' "$T/err"; then
		bad "$name" "sanitizer report" "$(head -3 "$T/err")"
	else
		ok "$name"
	fi
}

# The input up to its last blank line (stackcollapse-perf.pl drops a last
# sample that no blank line closes; see testdata/README.md).
upto_last_blank() {
	awk '{ l[NR] = $0 } /^$/ { last = NR } END { for (i = 1; i <= last; i++) print l[i] }'
}

# ------------------------------------------------------------------ tests

test_unit() {
	local unit=$1 want st
	if [ ! -x "$unit" ]; then
		bad "unit" "$unit is missing"
		return
	fi
	want=$("$unit" --count 2> /dev/null)
	case $want in
	''|*[!0-9]*) bad "unit/count" "$unit --count printed '$want'"; return ;;
	esac
	"$unit" > "$T/unit.out" 2>&1
	st=$?
	sub_results unit "$want" "$st" "$T/unit.out"
}

# Every perf case of the conformance corpus, every option set.
test_corpus() {
	local case input opt exp o
	while IFS=$'\t' read -r case input opt exp; do
		[ "$case" = case ] && continue
		o=
		[ "$opt" != default ] && o=--$opt
		gzip -dc "$TD/perf/$input" | upto_last_blank > "$T/in"
		gzip -dc "$TD/perf/$exp" > "$T/exp"
		"$FG" perf -q $o "$T/in" > "$T/out" 2> "$T/err"
		same "corpus/$case/$opt" "$T/exp" "$T/out"
	done < "$TD/perf/collapse.tsv"
}

# The same cases through stdin, and straight from the .gz files.
test_input_paths() {
	local f=$TD/perf/recorded/system-wide-kernel
	gzip -dc "$f.all.folded.gz" > "$T/exp"
	gzip -dc "$f.perf.txt.gz" | "$FG" perf --all > "$T/out" 2> "$T/err"
	same "input/stdin" "$T/exp" "$T/out"
	"$FG" perf --all "$f.perf.txt.gz" > "$T/out" 2> "$T/err"
	same "input/gzip-file" "$T/exp" "$T/out"
	gzip -dc "$f.perf.txt.gz" | gzip -1 | "$FG" perf --all > "$T/out" 2> "$T/err"
	same "input/gzip-stdin" "$T/exp" "$T/out"
	gzip -dc "$f.perf.txt.gz" > "$T/a"
	gzip -dc "$f.perf.txt.gz" > "$T/b"
	"$FG" perf --all "$T/a" "$T/b" > "$T/out" 2> "$T/err"
	awk '{ n = $NF; sub(/ [0-9]+$/, ""); print $0, 2 * n }' "$T/exp" > "$T/exp2"
	same "input/two-files-merged" "$T/exp2" "$T/out"
	# -o replaces a file as sort -o does: keeping its mode, and through a
	# symlink to its target.
	rm -f "$T/m600" "$T/tgt" "$T/lnk"
	echo old > "$T/m600"
	chmod 600 "$T/m600"
	echo old > "$T/tgt"
	chmod 640 "$T/tgt"
	ln -s tgt "$T/lnk"
	"$FG" perf --all -o "$T/m600" "$f.perf.txt.gz" 2> "$T/err"
	"$FG" perf --all -o "$T/lnk" "$f.perf.txt.gz" 2>> "$T/err"
	if [ "$(stat -c %a "$T/m600")" = 600 ] && cmp -s "$T/exp" "$T/m600" &&
	   [ -L "$T/lnk" ] && [ "$(stat -c %a "$T/tgt")" = 640 ] && cmp -s "$T/exp" "$T/tgt"; then
		ok "output/keeps-mode-and-symlink"
	else
		bad "output/keeps-mode-and-symlink" "$(ls -l "$T/m600" "$T/lnk" "$T/tgt")" "$(head -2 "$T/err")"
	fi
	# -o onto a FIFO or a device writes into it; renaming a finished file
	# over it would replace it (it once replaced /dev/null).
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	cat "$T/fifo" > "$T/out" &
	"$FG" perf --all -o "$T/fifo" "$f.perf.txt.gz" 2> "$T/err"
	wait $!
	if [ -p "$T/fifo" ] && cmp -s "$T/exp" "$T/out"; then
		ok "output/fifo-written-in-place"
	else
		bad "output/fifo-written-in-place" "$(ls -l "$T/fifo")" "$(head -2 "$T/err")"
	fi
}

# Inputs whose last sample has no closing blank line: it is kept.
test_last_sample() {
	local case input opt exp n=0
	while IFS=$'\t' read -r case input opt exp; do
		[ "$opt" = default ] || continue
		gzip -dc "$TD/perf/$input" > "$T/in"
		[ -z "$(tail -c 1 "$T/in" | tr -d '\n')" ] && [ "$(tail -c 2 "$T/in" | od -An -c | tr -d ' ')" = '\n\n' ] && continue
		n=$((n + 1))
		upto_last_blank < "$T/in" > "$T/cut"
		{ cat "$T/in"; echo; } > "$T/closed"
		"$FG" perf -q "$T/in" > "$T/full" 2> /dev/null
		"$FG" perf -q "$T/closed" > "$T/want" 2> /dev/null
		"$FG" perf -q "$T/cut" > "$T/without" 2> /dev/null
		if cmp -s "$T/full" "$T/want" && ! cmp -s "$T/full" "$T/without"; then
			ok "last-sample/$case"
		else
			bad "last-sample/$case" "the unterminated last sample is not counted"
		fi
	done < "$TD/perf/collapse.tsv"
	[ "$n" -gt 0 ] || bad "last-sample" "no unterminated input found in the corpus"
}

# Edge cases and the reference's parsing bugs (testdata/README.md).
test_examples() {
	local e=$TD/perf/examples opt
	for opt in default pid tid kernel jit all addrs; do
		local o=
		[ "$opt" != default ] && o=--$opt
		"$FG" perf $o "$e/crafted.txt" > "$T/out" 2> "$T/err"
		same "examples/crafted/$opt" "$e/crafted.$opt.folded" "$T/out"
	done
	"$FG" perf -q "$e/multi-event.txt.gz" > "$T/out" 2> "$T/err"
	same "examples/multi-event/default" "$e/multi-event.default.folded" "$T/out"
	"$FG" perf "$e/multi-event.txt.gz" > /dev/null 2> "$T/err"
	if grep -q 'keeping only "cpu-clock:u".*skipping "task-clock"' "$T/err"; then
		ok "examples/multi-event/warning"
	else
		bad "examples/multi-event/warning" "$(cat "$T/err")"
	fi
	"$FG" perf --event-filter=task-clock "$e/multi-event.txt.gz" > "$T/out" 2> "$T/err"
	same "examples/multi-event/task-clock" "$e/multi-event.task-clock.folded" "$T/out"
	"$FG" perf --event-filter=cpu-clock:u "$e/multi-event.txt.gz" > "$T/out" 2> "$T/err"
	same "examples/multi-event/cpu-clock:u" "$e/multi-event.cpu-clock_u.folded" "$T/out"
	"$FG" perf --event-filter=cpu-clock "$e/multi-event.txt.gz" > "$T/out" 2> "$T/err"
	same "examples/multi-event/cpu-clock-modifiers" "$e/multi-event.cpu-clock.folded" "$T/out"
	"$FG" perf --event-filter=instructions "$e/multi-event.txt.gz" > "$T/out" 2> "$T/err"
	if [ ! -s "$T/out" ] && grep -q 'no samples left' "$T/err"; then
		ok "examples/multi-event/no-match-warns"
	else
		bad "examples/multi-event/no-match-warns" "$(cat "$T/err")"
	fi
	"$FG" perf --srcline "$e/fp-srcline.txt" > "$T/out" 2> "$T/err"
	same "examples/fp-srcline" "$e/fp-srcline.srcline.folded" "$T/out"
	"$FG" perf --kernel "$e/vdso.txt" > "$T/out" 2> "$T/err"
	same "examples/vdso" "$e/vdso.kernel.folded" "$T/out"
	"$FG" perf "$e/dwarf-inlined.txt" > "$T/out" 2> "$T/err"
	same "examples/dwarf-inlined" "$e/dwarf-inlined.default.folded" "$T/out"
	# the reference's bugs, fixed
	"$FG" perf --tid "$e/comm.txt" > "$T/out" 2> "$T/err"
	same "fixed/comm-with-number" "$e/comm.tid.folded" "$T/out"
	"$FG" perf "$e/noeol.txt" > "$T/out" 2> "$T/err"
	same "fixed/last-sample-without-blank-line" "$e/noeol.default.folded" "$T/out"
	"$FG" perf --pid "$e/onechar.txt" > "$T/out" 2> "$T/err"
	same "fixed/one-character-comm" "$e/onechar.pid.folded" "$T/out"
	"$FG" perf "$e/crlf.txt" > "$T/out" 2> "$T/err"
	same "fixed/crlf" "$e/crlf.default.folded" "$T/out"
	"$FG" perf "$e/no-callchain.txt.gz" > "$T/out" 2> "$T/err"
	same "fixed/one-line-samples" "$e/no-callchain.default.folded" "$T/out"
	"$FG" perf --srcline "$e/dwarf-inlined-srcline.txt" > "$T/out" 2> "$T/err"
	same "fixed/srcline-with-inlined" "$e/dwarf-inlined-srcline.srcline.folded" "$T/out"
	# -F comm,tid,ip,sym: a header of just "comm tid "
	printf 'burn 1234 \n\t1 f (/x)\n\t2 main (/x)\n\nburn 1234 \n\t1 f (/x)\n\n' > "$T/bare"
	printf 'burn;f 1\nburn;main;f 1\n' > "$T/exp"
	"$FG" perf "$T/bare" > "$T/out" 2> "$T/err"
	same "examples/bare-header" "$T/exp" "$T/out"
	# the first frame ever seen yields no name (found by the fuzzer)
	printf 'a 1 1.0: 1 cpu-clock: \n\t1 f (/x)\n\t2 (anonymous namespace)::run (/x)\n\n' > "$T/noname"
	printf 'a;f 1\n' > "$T/exp"
	"$FG" perf "$T/noname" > "$T/out" 2> "$T/err"
	same "examples/first-frame-without-name" "$T/exp" "$T/out"
	# --show-task-events records between samples are skipped quietly
	printf '%s\n' 'swapper     0     0.000000: PERF_RECORD_MMAP -1/0: [0xffffffff81000000(0x120bb08) @ 0xffffffff81000000]: x [kernel.kallsyms]_text' \
		'burn   100     0.900000: PERF_RECORD_COMM exec: burn:100/100' \
		'burn 100 [000] 1.100000:    1001001 cpu-clock: ' $'\t1 f (/x)' '' \
		'         burn   100 [000]     1.200000: PERF_RECORD_EXIT(100:100):(99:99)' \
		'burn 100 [000] 1.300000:    1001001 cpu-clock: ' $'\t1 f (/x)' '' > "$T/events"
	printf 'burn;f 2002002\n' > "$T/exp"
	"$FG" perf "$T/events" > "$T/out" 2> "$T/err"
	if cmp -s "$T/exp" "$T/out" && [ ! -s "$T/err" ]; then
		ok "examples/side-band-records"
	else
		bad "examples/side-band-records" "$(cat "$T/out" "$T/err" | head -4)"
	fi
	# srcline lines are recognised even without --srcline: no warnings
	gzip -dc "$TD/perf/recorded/c-inline-srcline.perf.txt.gz" | "$FG" perf > /dev/null 2> "$T/err"
	if [ ! -s "$T/err" ]; then
		ok "fixed/srcline-lines-not-warned"
	else
		bad "fixed/srcline-lines-not-warned" "$(head -2 "$T/err")"
	fi
}

# Options beyond stackcollapse-perf.pl's.
test_options() {
	local in=$T/opt.perf
	printf '%s\n' \
		'app 10 1.000000:          5 cpu-clock: ' \
		$'\t1 d (/bin/app)' $'\t2 c (/bin/app)' $'\t3 b (/bin/app)' \
		$'\t4 a (/bin/app)' $'\t5 main (/bin/app)' '' \
		'swapper 0 2.000000:          7 cpu-clock: ' \
		$'\tffffffff81000001 pv_native_safe_halt+0x1 ([kernel.kallsyms])' \
		$'\tffffffff81000002 default_idle+0x2 ([kernel.kallsyms])' \
		$'\tffffffff81000003 do_idle+0x3 ([kernel.kallsyms])' '' \
		'swapper 0 3.000000:          2 cpu-clock: ' \
		$'\tffffffff81000004 net_rx_action+0x4 ([kernel.kallsyms])' \
		$'\tffffffff81000003 do_idle+0x3 ([kernel.kallsyms])' '' > "$in"
	"$FG" perf --no-comm "$in" > "$T/out"
	printf '%s\n' 'do_idle;default_idle;pv_native_safe_halt 7' \
		'do_idle;net_rx_action 2' 'main;a;b;c;d 5' > "$T/exp"
	same "options/no-comm" "$T/exp" "$T/out"
	"$FG" perf --no-idle "$in" > "$T/out"
	printf '%s\n' 'app;main;a;b;c;d 5' 'swapper;do_idle;net_rx_action 2' > "$T/exp"
	same "options/no-idle" "$T/exp" "$T/out"
	"$FG" perf --no-idle --kernel "$in" > "$T/out"
	printf '%s\n' 'app;main;a;b;c;d 5' 'swapper;do_idle_[k];net_rx_action_[k] 2' > "$T/exp"
	same "options/no-idle-annotated" "$T/exp" "$T/out"
	"$FG" perf --skip-after='^(b|c)$' "$in" > "$T/out"
	printf '%s\n' 'app;c;d 5' 'swapper;do_idle;default_idle;pv_native_safe_halt 7' \
		'swapper;do_idle;net_rx_action 2' > "$T/exp"
	same "options/skip-after" "$T/exp" "$T/out"
	"$FG" perf --idle -o "$T/o.folded" "$in" > "$T/out"
	if [ ! -s "$T/out" ] && [ "$(wc -l < "$T/o.folded")" -eq 3 ]; then
		ok "options/output-file"
	else
		bad "options/output-file"
	fi
}

# --inline/--context against addr2line -i on a freshly built binary.
test_inline() {
	local bin=$T/inlined start size addr a2l want ctx
	if ! command -v cc > /dev/null || ! command -v addr2line > /dev/null ||
	   ! cc -O2 -g -o "$bin" "$TD/src/inlined.c" 2> /dev/null; then
		bad "inline" "cannot build testdata/src/inlined.c (cc, addr2line?)"
		return
	fi
	read -r start size < <(nm -S "$bin" | awk '$4 == "outer" { print $1, $2 }')
	# the first address of outer() that addr2line sees three functions deep
	a2l=$(addr2line -a -i -f -s -e "$bin" $(for ((i = 0; i < 0x$size; i++)); do
		printf '%x ' $((0x$start + i)); done) |
		awk '/^0x/ { if (n >= 6) { print a, f; exit } a = $1; n = 0; f = ""; next }
		     { n++; sub(/ \(discriminator [0-9]+\)/, ""); f = f " " $0 }')
	if [ -z "$a2l" ]; then
		bad "inline" "addr2line found no inlined code in outer()"
		return
	fi
	set -- $a2l
	addr=$((16#${1#0x}))
	# addr2line: innermost first, name then file:line; folded: outermost first
	want="inlined;$6;$4;$2 1"
	ctx="inlined;$6:$7;$4:$5;$2:$3 1"
	printf 'inlined 100  1.000000:          1 cpu-clock: \n\t%16x outer+0x%x (%s)\n\n' \
		"$addr" $((addr - 0x$start)) "$bin" > "$T/inl.perf"
	echo "$want" > "$T/exp"
	"$FG" perf --inline "$T/inl.perf" > "$T/out" 2> "$T/err"
	same "inline/chain" "$T/exp" "$T/out"
	echo "$ctx" > "$T/exp"
	"$FG" perf --inline --context "$T/inl.perf" > "$T/out" 2> "$T/err"
	same "inline/context" "$T/exp" "$T/out"
	# A caller frame: its return address follows the call of leaf() that
	# ends mix(), so it already lies in inner(); the frame is looked up at
	# the address before it, three functions deep, as addr2line sees it.
	local ret lstart chain
	ret=$(objdump -d --no-show-raw-insn "$bin" | awk '/<outer>:/ { o = 1 } o && /^$/ { exit }
		o && prev ~ /call.*<leaf>/ { sub(/:.*/, ""); gsub(/ /, ""); print; exit }
		{ prev = $0 }')
	lstart=$(nm "$bin" | awk '$3 == "leaf" { print $1 }')
	chain=$(addr2line -i -f -s -e "$bin" "$(printf '%x' $((0x$ret - 1)))" |
		awk 'NR % 2 { f[++n] = $0 } END { for (i = n; i >= 1; i--) printf "%s;", f[i] }')
	if [ -z "$ret" ] || [ -z "$lstart" ] || [ "$chain" != "outer;inner;mix;" ]; then
		bad "inline/caller-frame" "no call of leaf() at the end of mix() in outer() (ret '$ret', chain '$chain')"
	else
		printf 'inlined 100  1.000000:          1 cpu-clock: \n\t%16x leaf+0x2 (%s)\n\t%16x outer+0x%x (%s)\n\n' \
			$((0x$lstart + 2)) "$bin" $((0x$ret)) $((0x$ret - 0x$start)) "$bin" > "$T/call.perf"
		echo "inlined;${chain}leaf 1" > "$T/exp"
		"$FG" perf --inline "$T/call.perf" > "$T/out" 2> "$T/err"
		same "inline/caller-frame" "$T/exp" "$T/out"
	fi
	# without DWARF (stripped, or gone) the frame stays as perf named it
	sed "s|$bin|$T/missing|" "$T/inl.perf" > "$T/gone.perf"
	echo "inlined;outer 1" > "$T/exp"
	"$FG" perf --inline "$T/gone.perf" > "$T/out" 2> "$T/err"
	same "inline/no-binary" "$T/exp" "$T/out"
}

# --inline with a frame whose module is a FIFO, a device or a directory:
# it is not opened (a FIFO blocked fg-collapse for ever), and the frame
# stays as perf named it.
test_inline_nonregular() {
	local f st
	rm -rf "$T/fifo" "$T/dir"
	mkfifo "$T/fifo"
	mkdir "$T/dir"
	for f in "$T/fifo" /dev/zero "$T/dir"; do
		printf 'prog 100  1.000000:          1 cpu-clock: \n\t%16x leaf+0x10 (%s)\n\t%16x main+0x20 (%s)\n\n' \
			0x1010 "$f" 0x1120 "$f" > "$T/nonreg.perf"
		timeout 20 "$FG" perf --inline "$T/nonreg.perf" > "$T/out" 2> "$T/err"
		st=$?
		if [ $st -eq 0 ] && [ ! -s "$T/err" ] && [ "$(cat "$T/out")" = "prog;main;leaf 1" ]; then
			ok "inline/nonregular/$(basename "$f")"
		else
			bad "inline/nonregular/$(basename "$f")" "exit $st (124 is the timeout)" "$(head -2 "$T/err")" "$(head -2 "$T/out")"
		fi
	done
}

test_errors() {
	local in=$TD/perf/recorded/c-callstruct.perf.txt.gz dead
	expect_error "errors/missing-file" 1 '^fg-collapse: /nonexistent/p.txt: No such file' -- \
		"$FG" perf /nonexistent/p.txt
	expect_error "errors/directory" 1 '^fg-collapse: testdata: Is a directory' -- \
		"$FG" perf testdata
	random_bytes 65536 "$T/garbage"
	printf 'x' | cat - "$T/garbage" > "$T/garbage2"
	expect_error "errors/binary-garbage" 1 '^fg-collapse: .*garbage2:[0-9]+: binary data' -- \
		"$FG" perf "$T/garbage2"
	expect_error "errors/perf.data" 1 'perf.data file; convert it' -- \
		"$FG" perf /dev/stdin < <(printf 'PERFILE2\x10\x00\x00\x00')
	gzip -dc "$in" | head -c 200000 > "$T/cut"
	expect_error "errors/truncated-input" 1 '^fg-collapse: .*cut:[0-9]+: truncated input' -- \
		"$FG" perf "$T/cut"
	# cut inside a line that belongs to no sample (found by the fuzzer)
	printf 'a 1 1.0: 1 cpu-clock: \n\t1 f (/x)\n\nbroken heade' > "$T/cut2"
	expect_error "errors/truncated-outside-sample" 1 'cut2:4: truncated input' -- \
		"$FG" perf "$T/cut2"
	head -c 9000 "$in" > "$T/cut.gz"
	expect_error "errors/truncated-gzip" 1 '^fg-collapse: .*cut.gz: truncated gzip data' -- \
		"$FG" perf "$T/cut.gz"
	{ gzip -dc "$in" | head -20; head -c 1048576 /dev/zero | tr '\0' 'a'; echo; } > "$T/long"
	expect_error "errors/line-of-1MB" 1 '^fg-collapse: .*long:21: line too long \(more than 524288 bytes' -- \
		"$FG" perf --max-line=512K "$T/long"
	gzip -dc "$TD/perf/recorded/c-callstruct.default.folded.gz" > "$T/stacks.folded"
	expect_error "errors/folded-given-to-perf" 1 'stacks.folded:1: not perf script output' -- \
		"$FG" perf "$T/stacks.folded"
	printf 'hello world\nthis is not perf output\n' > "$T/text"
	expect_error "errors/not-perf-script" 1 'text:1: not perf script output' -- \
		"$FG" perf "$T/text"
	{ gzip -dc "$in" | head -30; echo 'what is this'; gzip -dc "$in" | sed -n 31,60p; } > "$T/odd"
	expect_error "errors/strict" 1 '^fg-collapse: .*odd:31: unrecognized line' -- \
		"$FG" perf --strict "$T/odd"
	"$FG" perf "$T/odd" > "$T/out" 2> "$T/err"
	if [ -s "$T/out" ] && grep -q 'odd:31: unrecognized line' "$T/err"; then
		ok "errors/unrecognized-warns"
	else
		bad "errors/unrecognized-warns" "$(head -2 "$T/err")"
	fi
	expect_error "usage/no-format" 2 'which input format' -- "$FG"
	expect_error "usage/unknown-format" 2 "unknown input format 'pmc'" -- "$FG" pmc
	expect_error "usage/unknown-option" 2 "^fg-collapse: unrecognized option '--bogus'" -- "$FG" perf --bogus
	expect_error "usage/missing-argument" 2 "^fg-collapse: option '-o' needs an argument" -- "$FG" perf -o
	expect_error "usage/context-needs-inline" 2 'context needs --inline' -- "$FG" perf --context
	expect_error "usage/bad-regex" 2 'skip-after' -- "$FG" perf '--skip-after=(' /dev/null
	"$FG" --help > "$T/out" 2>&1 && grep -q -- '--event-filter' "$T/out" &&
		ok "usage/help" || bad "usage/help"
	# -o: whole or not at all
	echo "old content" > "$T/keep.folded"
	"$FG" perf -o "$T/keep.folded" "$T/cut" 2> /dev/null
	if [ "$(cat "$T/keep.folded")" = "old content" ] &&
	   [ -z "$(ls -a "$T" | grep 'keep.folded.*tmp')" ]; then
		ok "errors/output-untouched-on-error"
	else
		bad "errors/output-untouched-on-error"
	fi
	# Temporaries a killed run left behind (".NAME.fgkit-tmp-PID" of a
	# process that is gone) are removed by the next run writing NAME; a
	# live process's, and other outputs', are left alone.
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	: > "$T/.new.folded.fgkit-tmp-$dead"
	: > "$T/.new.folded.fgkit-tmp-$$"
	: > "$T/.other.folded.fgkit-tmp-$dead"
	"$FG" perf -o "$T/new.folded" "$in" 2> /dev/null
	gzip -dc "$TD/perf/recorded/c-callstruct.default.folded.gz" > "$T/exp"
	same "errors/output-written-whole" "$T/exp" "$T/new.folded"
	if [ ! -e "$T/.new.folded.fgkit-tmp-$dead" ] && [ -e "$T/.new.folded.fgkit-tmp-$$" ] &&
	   [ -e "$T/.other.folded.fgkit-tmp-$dead" ] &&
	   [ "$(ls -a "$T" | grep -c 'fgkit-tmp')" -eq 2 ]; then
		ok "errors/output-stale-temporaries-removed"
	else
		bad "errors/output-stale-temporaries-removed" "$(ls -a "$T" | grep fgkit-tmp)"
	fi
	rm -f "$T"/.*fgkit-tmp-*
	expect_error "errors/output-dir-missing" 1 'cannot create output' -- \
		"$FG" perf -o /nonexistent/dir/x.folded "$in"
}

test_folded() {
	local f=$TD/perf/recorded/node-jit.tid.folded.gz
	gzip -dc "$f" > "$T/exp"
	"$FG" folded "$f" > "$T/out" 2> "$T/err"
	same "folded/roundtrip" "$T/exp" "$T/out"
	gzip -dc "$f" | awk 'NR % 2' > "$T/odd"
	gzip -dc "$f" | awk '!(NR % 2)' | sort -r > "$T/even"
	"$FG" folded "$T/even" "$T/odd" > "$T/out" 2> "$T/err"
	same "folded/merge-any-order" "$T/exp" "$T/out"
	printf 'a;b 1.5\r\na;b 2\n\n# comment\na 0.25\n' > "$T/frac"
	printf 'a 0.25\na;b 3.5\n' > "$T/exp"
	"$FG" folded "$T/frac" > "$T/out" 2> "$T/err"
	same "folded/fractional-crlf" "$T/exp" "$T/out"
	printf 'a;b 1\nbroken\na;b 2\n' > "$T/broken"
	expect_error "folded/strict" 1 'broken:2: malformed line' -- "$FG" folded --strict "$T/broken"
	# A last line without its newline was most likely cut short: read,
	# with one warning (an error under --strict).
	printf 'main;a 5\nmain;b 1234' > "$T/cut.folded"
	printf 'main;a 5\nmain;b 1234\n' > "$T/exp"
	"$FG" folded "$T/cut.folded" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && cmp -s "$T/exp" "$T/out" && [ "$(wc -l < "$T/err")" -eq 1 ] &&
	   grep -q 'cut.folded:2: the last line has no newline' "$T/err"; then
		ok "folded/cut-last-line"
	else
		bad "folded/cut-last-line" "$(cat "$T/err")"
	fi
	expect_error "folded/cut-last-line-strict" 1 'cut.folded:2: the last line has no newline' -- \
		"$FG" folded --strict "$T/cut.folded"
}

. tests/svg.sh
. tests/diff.sh
. tests/pprof.sh
. tests/gperf.sh
. tests/record.sh
. tests/readers.sh
. tests/graph.sh
. tests/stacks.sh
. tests/runtimes.sh

# A man page per command, with its sections, and no stray control bytes
# (a "\f" font escape written as a form feed once slipped in).
for c in $(sed -n 's/^CMDS = //p' Makefile); do
	m=cmd/$c.1
	if [ ! -f "$m" ]; then
		bad "man/$c" "$m is missing"
	elif LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f]' "$m"; then
		bad "man/$c" "control bytes in $m: $(LC_ALL=C grep -nP '[\x00-\x08\x0b-\x1f]' "$m" | head -2 | cat -A)"
	elif grep -q '^\.so ' "$m"; then
		# a link page: its target must be there
		if [ -f "cmd/$(sed -n 's/^\.so \(man1\/\)*//p' "$m" | head -1)" ]; then
			ok "man/$c"
		else
			bad "man/$c" "$m links to a page that is missing"
		fi
	elif ! grep -q '^\.SH NAME' "$m" || ! grep -q '^\.SH SYNOPSIS' "$m" ||
	     ! grep -q '^\.SH .*OPTIONS' "$m"; then
		bad "man/$c" "$m lacks NAME, SYNOPSIS or OPTIONS"
	else
		ok "man/$c"
	fi
done

# README's package lists are deps.sh's: every package deps.sh installs is
# named there.
missing=$(sed -n 's/^\t[a-z]*) pkgs="\$pkgs \(.*\)".*/\1/p; s/.*missing="\$missing \([a-z0-9.-]*\)".*/\1/p' tests/deps.sh |
	tr ' ' '\n' | sort -u | while read -r p; do
		[ -n "$p" ] && ! tr -s ' \n`' '\n\n\n' < README.md | grep -qxF "$p" && echo "$p"
	done)
[ -z "$missing" ] && ok "docs/readme-packages" || bad "docs/readme-packages" "not in README.md: $missing"

# The format notes are in the repository: no comment points outside it, and
# every section a comment names is there.
if git grep -q 'FORMATS\.md' -- ':!tests/run.sh' 2> /dev/null; then
	bad "docs/no-outside-notes" "$(git grep -n 'FORMATS\.md' -- ':!tests/run.sh' | head -3)"
else
	ok "docs/no-outside-notes"
fi
# (Comments wrap, so lines are joined first; a citation may name several.)
missing=$(for f in $(git ls-files cmd formats libfold tests testdata/README.md | grep -v '^formats/README.md$'); do
		perl -0777 -ne 's/\n[ \t]*(?:\*|#|\/\/)?[ \t]*/ /g;
			while (/formats\/README\.md,((?:\s*"[^"]+",?)+)/g) {
				my $l = $1; print "$1\n" while $l =~ /"([^"]+)"/g }' "$f"
	done | sort -u | while read -r h; do
		grep -qxF "## $h" formats/README.md || grep -qxF "### $h" formats/README.md || echo "$h"
	done)
[ -z "$missing" ] && ok "docs/cited-sections" || bad "docs/cited-sections" "no such section: $missing"

# t TEST ARGS...: run one test function, unless FG_ONLY (an extended
# regular expression, e.g. FG_ONLY='gperf|pprof_errors') leaves it out.
t() {
	[ -z "${FG_ONLY:-}" ] || [[ $1 =~ $FG_ONLY ]] || return 0
	"$@"
}

for v in $VARIANTS; do
	FG=$v/fg-collapse
	SVG=$v/fg-svg
	ICICLE=$v/fg-icicle
	DIFF=$v/fg-diff
	PPROF=$v/fg-pprof
	TOP=$v/fg-top
	DOT=$v/fg-dot
	if [ ! -x "$FG" ]; then
		[ "$v" = bin ] && bad "build" "$FG is missing; run make"
		continue
	fi
	case $v in
	bin) tag=""; unit=build/tests/unit_fold ;;
	*) tag="asan:"; unit=build/asan/tests/unit_fold ;;
	esac
	t test_unit "$unit"
	t test_corpus
	t test_input_paths
	t test_last_sample
	t test_examples
	t test_options
	t test_inline
	t test_inline_nonregular
	t test_errors
	t test_folded
	t test_svg_corpus
	t test_svg_io
	t test_svg_errors
	t test_svg_escaping
	t test_svg_options
	t test_svg_continuous_column
	t test_svg_images
	t test_svg_dom_budget
	t test_diff_corpus
	t test_diff_report
	t test_diff_gate
	t test_diff_svg
	t test_diff_errors
	t test_pprof_corpus
	t test_pprof_options
	t test_pprof_drop_frames
	t test_pprof_unsymbolized
	t test_pprof_errors
	t test_pprof_budget
	t test_fg_pprof
	[ "$v" = bin ] && t test_fg_pprof_go
	t test_gperf_parsers "$(dirname "$unit")/gperfdump"
	t test_gperf_corpus
	t test_gperf_options
	t test_gperf_errors
	t test_gperf_mappings_share
	t test_gperf_many_addresses
	t test_gperf_nonregular
	t test_gperf_cut
	t test_gperf_counts
	t test_readers_any_command
	t test_readers_refuse
	t test_readers_long_lines
	t test_readers_empty
	t test_readers_inflation
	t test_units
	t test_graph_corpus
	t test_graph_base
	t test_graph_formats
	t test_graph_render
	t test_graph_names
	t test_graph_errors
	t test_runtimes_corpus
	t test_runtimes_commands
	t test_runtimes_refuse
	t test_runtimes_errors
	t test_runtimes_perf_sched
	[ "$v" = bin ] && t test_graph_go
	t test_stacks_corpus
	t test_stacks_io
	t test_stacks_errors
	t test_stacks_edges
	t test_stacks_bpftrace
	t test_stacks_pmp
	t test_stacks_recursive
	t test_stacks_csv
	t test_stacks_sample
	t test_stacks_refuse
	t test_record "$v"
	[ "$v" = bin ] && t test_svg_browser
done

# Every fuzz target for FG_FUZZ_SECONDS (make test: 20; make fuzz builds
# them), from its seed corpus: a crash, a leak, a hang or 2 GB is a failure.
test_fuzz_smoke() {
	local secs=${FG_FUZZ_SECONDS:-0} st targets
	[ "$secs" -gt 0 ] || return 0
	targets=$(sed -n '/^FUZZ_TARGETS = /,/^[^\t]/p' Makefile | grep -o 'fuzz_[a-z]*')
	tests/fuzz.sh "$secs" $targets > "$T/fuzz.out" 2>&1
	st=$?
	sub_results fuzz "$(echo "$targets" | wc -l)" "$st" "$T/fuzz.out"
}
tag=""
t test_fuzz_smoke

[ "$fail" -gt 0 ] && echo "(random inputs from FG_SEED=$SEED)"
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
