# readers.sh - every command reads every format, wrong input is refused,
# and units travel from the input to what is shown.  Sourced by run.sh
# (which defines ok, bad, same, expect_error, $T, $TD and the command
# variables $FG, $SVG, $ICICLE, $DIFF, $PPROF).

# The inputs of each format in testdata, as "format path [binary]".
reader_cases() {
	printf '%s\n' \
		"perf $TD/perf/recorded/c-callstruct.perf.txt.gz" \
		"perf $TD/perf/recorded/system-wide-kernel.perf.txt.gz" \
		"folded $TD/svg/callstruct-default.folded" \
		"folded $TD/diff/perf-templates-maptohash.before.folded" \
		"pprof $TD/pprof/go-cpu-basic.pb.gz" \
		"pprof $TD/pprof/go-heap.pb.gz" \
		"gperf $TD/gperf/c-cpu/cpu.prof $TD/gperf/c-cpu/prog" \
		"gperf $TD/gperf/c-heap/heap.0001.heap $TD/gperf/c-heap/prog" \
		"dtrace $TD/stacks/dtrace/inferno-rust-names.txt" \
		"bpftrace $TD/stacks/bpftrace/bt-ustack-perf.txt" \
		"gdb $TD/stacks/gdb/gdb-c-threads.txt" \
		"elfutils $TD/stacks/elfutils/eu-c-threads.txt" \
		"vsprof $TD/stacks/vsprof/inferno-calltreesummary.txt"
}

# Every command on every format: the same as folding with fg-collapse
# FORMAT first and giving the command folded stacks.
test_readers_any_command() {
	local fmt in bin name args unit
	while read -r fmt in bin; do
		name=$fmt/$(basename "$in")
		args=$in
		[ -n "$bin" ] && args="$bin $in"
		"$FG" $fmt -q $args > "$T/ref.folded" 2> "$T/err"
		if [ ! -s "$T/ref.folded" ]; then
			bad "readers/$name" "fg-collapse $fmt gave nothing: $(head -2 "$T/err")"
			continue
		fi
		"$FG" -q $args > "$T/out" 2> "$T/err"
		same "readers/$name/collapse-detected" "$T/ref.folded" "$T/out"
		"$FG" auto -q -v $args > "$T/out" 2> "$T/err"
		same "readers/$name/collapse-auto" "$T/ref.folded" "$T/out"
		# -v names the format that was detected
		if grep -q "$(basename "$in"): .*$(case $fmt in perf) echo 'perf script' ;; folded) echo 'folded stacks' ;; pprof) echo 'pprof profile' ;; gperf) echo gperftools ;; dtrace) echo DTrace ;; bpftrace) echo bpftrace ;; gdb) echo 'gdb backtraces' ;; elfutils) echo eu-stack ;; vsprof) echo 'Visual Studio' ;; esac)" "$T/err"; then
			ok "readers/$name/verbose"
		else
			bad "readers/$name/verbose" "$(cat "$T/err")"
		fi
		# flame graphs and icicles: the same frames and counts
		"$SVG" -q $args > "$T/direct.svg" 2> "$T/err"
		"$SVG" -q "$T/ref.folded" > "$T/ref.svg" 2> /dev/null
		if $SVGF --compare "$T/ref.svg" "$T/direct.svg" > "$T/cmp" 2>&1; then
			ok "readers/$name/svg"
		else
			bad "readers/$name/svg" "$(head -3 "$T/cmp")" "$(head -2 "$T/err")"
		fi
		"$ICICLE" -q $args > "$T/direct.svg" 2> "$T/err"
		"$ICICLE" -q "$T/ref.folded" > "$T/ref.svg" 2> /dev/null
		if $SVGF --compare "$T/ref.svg" "$T/direct.svg" > "$T/cmp" 2>&1; then
			ok "readers/$name/icicle"
		else
			bad "readers/$name/icicle" "$(head -3 "$T/cmp")"
		fi
		# fg-pprof, read back: the same stacks
		"$PPROF" -q -o "$T/rt.pb.gz" $args 2> "$T/err"
		"$FG" pprof -q "$T/rt.pb.gz" > "$T/out" 2>&1
		same "readers/$name/pprof-roundtrip" "$T/ref.folded" "$T/out"
		# fg-top and fg-dot: the same table and graph as of the folded
		# stacks, once told the unit folded text does not carry
		unit=$("$TOP" -q -f json $args 2> /dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("--unit=%s/%s" % (d["type"], d["unit"]) if "unit" in d else "")')
		"$TOP" -q $args > "$T/out" 2> "$T/err"
		"$TOP" -q $unit "$T/ref.folded" > "$T/exp" 2> /dev/null
		sed -i 1d "$T/out"	# "File: " names the input
		sed -i 1d "$T/exp"
		same "readers/$name/top" "$T/exp" "$T/out"
		"$DOT" -q $args | sed 1,3d > "$T/out" 2> "$T/err"
		"$DOT" -q $unit "$T/ref.folded" | sed 1,3d > "$T/exp" 2> /dev/null
		if [ -s "$T/out" ]; then
			same "readers/$name/dot" "$T/exp" "$T/out"
		else
			bad "readers/$name/dot" "no graph: $(head -2 "$T/err")"
		fi
		# fg-diff of the input against itself halved: the same lines as
		# of the folded stacks (gperftools programs go with --binary)
		args=$in
		[ -n "$bin" ] && args="--binary=$bin $in"
		awk '{ n = $NF; sub(/ [0-9]+$/, ""); print $0, int(n / 2) }' "$T/ref.folded" > "$T/half.folded"
		"$DIFF" -q "$T/half.folded" $args > "$T/out" 2> "$T/err"
		"$DIFF" -q "$T/half.folded" "$T/ref.folded" > "$T/exp" 2> /dev/null
		same "readers/$name/diff" "$T/exp" "$T/out"
	done < <(reader_cases)
	# A gperftools program named with --binary, or as pprof takes it.
	"$SVG" -q --binary="$TD/gperf/c-cpu/prog" "$TD/gperf/c-cpu/cpu.prof" > "$T/a.svg" 2> "$T/err"
	"$SVG" -q "$TD/gperf/c-cpu/prog" "$TD/gperf/c-cpu/cpu.prof" > "$T/b.svg" 2>> "$T/err"
	if $SVGF --compare "$T/a.svg" "$T/b.svg" > "$T/cmp" 2>&1 &&
	   grep -q '>parse_numbers (' "$T/b.svg"; then
		ok "readers/gperf-binary-option"
	else
		bad "readers/gperf-binary-option" "$(head -3 "$T/cmp" "$T/err")"
	fi
	# Formats mixed in one run: merged, the first unit kept, one warning.
	"$FG" "$TD/svg/callstruct-default.folded" "$TD/pprof/go-cpu-basic.pb.gz" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q '^callstruct;' "$T/out" &&
	   grep -q '^runtime.main;main.main;main.crunchA' "$T/out" &&
	   [ "$(wc -l < "$T/err")" -eq 1 ] &&
	   grep -q 'go-cpu-basic.pb.gz: counts cpu/nanoseconds, but the inputs before count samples/count' "$T/err"; then
		ok "readers/mixed-formats"
	else
		bad "readers/mixed-formats" "$(cat "$T/err")"
	fi
}

# refuse NAME FORMAT INPUT: fg-collapse FORMAT INPUT exits 1 with one line
# naming the input, and writes nothing.
refuse() {
	local name=$1 fmt=$2 in=$3
	"$FG" $fmt "$in" > "$T/out" 2> "$T/err"
	local st=$?
	if [ $st -ne 1 ]; then
		bad "$name" "exit status $st, want 1" "$(head -2 "$T/err")"
	elif [ -s "$T/out" ]; then
		bad "$name" "output written: $(head -c 80 "$T/out")"
	elif [ "$(wc -l < "$T/err")" -ne 1 ] || ! grep -qF "fg-collapse: $in" "$T/err"; then
		bad "$name" "not one line naming the input:" "$(head -3 "$T/err")"
	elif grep -q 'AddressSanitizer\|runtime error' "$T/err"; then
		bad "$name" "sanitizer report"
	else
		ok "$name"
	fi
}

# Each reader given what is not its format: one line, exit 1, no output.
test_readers_refuse() {
	local fmt in bin other
	random_bytes 65536 "$T/random.bin"
	cp "$TD/readers/go-raw-mutex.txt" "$T/go-raw.txt"
	cp LICENSE "$T/prose.txt"
	gzip -dc "$TD/perf/recorded/c-callstruct.perf.txt.gz" > "$T/script.perf"
	for fmt in perf pprof gperf folded dtrace stap bpftrace gdb elfutils vtune vsprof sample; do
		while read -r other in bin; do
			[ "$other" = "$fmt" ] && continue
			# gperftools' heap profile is text: the perf reader says
			# so at its first line, like any other text
			refuse "refuse/$fmt/$other-$(basename "$in")" $fmt "$in"
		done < <(reader_cases)
		for in in "$T/random.bin" "$T/go-raw.txt" "$T/prose.txt"; do
			refuse "refuse/$fmt/$(basename "$in")" $fmt "$in"
		done
	done
	# Detected: what no reader recognises is refused by every command
	# (go tool pprof -raw text is read: fg-collapse go).
	for in in "$T/random.bin" "$T/prose.txt"; do
		refuse "refuse/auto/$(basename "$in")" auto "$in"
		expect_error "refuse/svg/$(basename "$in")" 1 "^fg-svg: $in: " -- "$SVG" "$in"
		if [ -s "$T/out" ]; then bad "refuse/svg/$(basename "$in")/no-output"; fi
		expect_error "refuse/diff/$(basename "$in")" 1 "^fg-diff: $in: " -- \
			"$DIFF" "$in" "$TD/svg/callstruct-default.folded"
		expect_error "refuse/pprof/$(basename "$in")" 1 "^fg-pprof: $in: " -- \
			"$PPROF" -o "$T/x.pb.gz" "$in"
		expect_error "refuse/top/$(basename "$in")" 1 "^fg-top: $in: " -- "$TOP" "$in"
		expect_error "refuse/dot/$(basename "$in")" 1 "^fg-dot: $in: " -- \
			"$DOT" -o "$T/x.svg" "$in"
	done
	# The messages say what an input is instead.
	expect_error "refuse/message/folded-is-perf" 1 \
		"script.perf:1: not folded stacks .*; it looks like text \(perf script output: fg-collapse perf, or fg-collapse auto\)$" -- \
		"$FG" folded "$T/script.perf"
	expect_error "refuse/message/perf-is-folded" 1 \
		"callstruct-default.folded:1: not perf script output .*it looks like text \(folded stacks: fg-collapse folded" -- \
		"$FG" perf "$TD/svg/callstruct-default.folded"
	expect_error "refuse/message/perf-is-go-raw" 1 "go-raw.txt:1: not perf script output .*it looks like text \('go tool pprof -raw' text: fg-collapse go," -- \
		"$FG" perf "$T/go-raw.txt"
	expect_error "refuse/message/pprof-is-gperf-cpu" 1 "cpu.prof: not a profile.proto message: .*it looks like a gperftools CPU profile \(fg-collapse gperf" -- \
		"$FG" pprof "$TD/gperf/c-cpu/cpu.prof"
	expect_error "refuse/message/unrecognized" 1 "prose.txt: unrecognized input: not folded stacks, .*perf script output, pprof profile, gperftools CPU or heap profile.* \(it starts \"" -- \
		"$FG" "$T/prose.txt"
	expect_error "refuse/message/perf.data-detected" 1 "perf.data file; convert it with 'perf script' first" -- \
		"$SVG" /dev/stdin < <(printf 'PERFILE2\x68\x00\x00\x00\x00\x00\x00\x00')
	expect_error "refuse/message/elf-alone" 1 "an ELF file, not a profile" -- \
		"$FG" auto --binary=/dev/null "$TD/gperf/c-cpu/prog"
	expect_error "refuse/message/perf-is-pprof-binary" 1 "go-cpu-basic.pb.gz:[0-9]+: binary data .*; it looks like a pprof profile \(fg-collapse pprof" -- \
		"$FG" perf "$TD/pprof/go-cpu-basic.pb.gz"
	expect_error "refuse/message/gperf-is-perf" 1 "script.perf: not a gperftools CPU or heap profile; it looks like text \(perf script output: fg-collapse perf" -- \
		"$FG" gperf "$T/script.perf"
	expect_error "refuse/message/elf-in-diff" 1 "prog: this is an ELF file, not a profile \(the program of a gperftools profile goes with it: --binary=PROGRAM\)" -- \
		"$DIFF" "$TD/gperf/c-cpu/prog" "$TD/gperf/c-cpu/cpu.prof"
	# A mistyped file is a file; a format word after an option is told.
	expect_error "usage/missing-file-not-format" 1 "^fg-collapse: $T/nope.perf: No such file" -- \
		"$FG" "$T/nope.perf"
	expect_error "usage/format-word-first" 2 "the format comes first: fg-collapse perf" -- \
		"$FG" -v perf "$T/script.perf"
	# What is still folded stacks with a bad line is read, with a warning.
	printf 'a;b 3\nno count here\n' > "$T/one-bad"
	"$FG" folded "$T/one-bad" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && [ "$(cat "$T/out")" = "a;b 3" ] && grep -q 'one-bad:2: malformed line' "$T/err"; then
		ok "refuse/lenient-later-lines"
	else
		bad "refuse/lenient-later-lines" "$(cat "$T/err")"
	fi
	# Blank and '#' lines before the first stack, and CRLF, are fine.
	printf '\r\n# comment\r\n\r\nmain;a 2\r\n' > "$T/crlf"
	"$FG" "$T/crlf" > "$T/out" 2> "$T/err"
	[ "$(cat "$T/out")" = "main;a 2" ] && [ ! -s "$T/err" ] && ok "refuse/blank-and-comment-lines" ||
		bad "refuse/blank-and-comment-lines" "$(cat "$T/out" "$T/err")"
	# Usage: an option of a format no input was.
	"$FG" --sample-index=cpu "$TD/svg/callstruct-default.folded" > /dev/null 2> "$T/err"
	grep -q -- '--sample-index is an option of pprof profile, and no input was that; ignored' "$T/err" &&
		ok "readers/unused-option-warns" || bad "readers/unused-option-warns" "$(cat "$T/err")"
	expect_error "readers/option-of-other-format" 2 "unrecognized option '--sample-index=cpu'" -- \
		"$FG" perf --sample-index=cpu "$T/script.perf"
}

# What one command writes, every other reads: a 100,000-frame stack is a
# folded line of 690 KB (past the 512 KiB lines once were limited to), and a
# line past --max-line is refused with its line number.
test_readers_long_lines() {
	local c
	awk 'BEGIN { print "prog 1 [000] 1.000: 1 cpu-clock:"
		for (i = 0; i < 100000; i++) printf "\t%x f%d (/bin/x)\n", 4096 + i, i
		print ""
		print "prog 1 [000] 1.001: 1 cpu-clock:"
		print "\t1000 main (/bin/x)"; print "" }' > "$T/deep.perf"
	"$FG" perf "$T/deep.perf" > "$T/deep.folded" 2> "$T/err"
	if [ "$(wc -l < "$T/deep.folded")" -eq 2 ] && [ "$(wc -c < "$T/deep.folded")" -gt 600000 ] &&
	   [ "$(head -1 "$T/deep.folded" | tr ';' '\n' | wc -l)" -eq 100001 ]; then
		ok "readers/long-line/collapse-perf"
	else
		bad "readers/long-line/collapse-perf" "$(wc "$T/deep.folded")" "$(head -2 "$T/err")"
	fi
	"$FG" "$T/deep.folded" > "$T/out" 2> "$T/err"
	same "readers/long-line/collapse-folded" "$T/deep.folded" "$T/out"
	"$DIFF" "$T/deep.folded" "$T/deep.folded" > "$T/out" 2> "$T/err"
	[ "$(awk '{ print NF, $NF, $(NF-1) }' "$T/out" | sort | tr '\n' ' ')" = "3 1 1 3 1 1 " ] &&
	   grep -q '^prog;f99999;.*;f0 1 1$' "$T/out" &&
		ok "readers/long-line/diff" || bad "readers/long-line/diff" "$(cut -c1-60 "$T/out")" "$(head -2 "$T/err")"
	for c in "$SVG" "$ICICLE" "$PPROF" "$TOP"; do
		"$c" "$T/deep.folded" > "$T/out" 2> "$T/err"
		if [ $? -eq 0 ] && [ -s "$T/out" ] && [ ! -s "$T/err" ]; then
			ok "readers/long-line/$(basename "$c")"
		else
			bad "readers/long-line/$(basename "$c")" "$(head -2 "$T/err")"
		fi
	done
	grep -q 'f99999' "$T/out" && ok "readers/long-line/top-has-leaf" ||
		bad "readers/long-line/top-has-leaf" "no f99999 in fg-top's table"
	expect_error "readers/long-line/max-line" 1 \
		'deep.folded:1: line too long \(more than 102400 bytes; --max-line raises the limit\)' -- \
		"$FG" --max-line=100K "$T/deep.folded"
	expect_error "readers/long-line/max-line-usage" 2 "--max-line: '12X' is not a size" -- \
		"$SVG" --max-line=12X "$T/deep.folded"
}

# Empty input, one rule (formats/README.md, "Empty input"): a filter warns
# "INPUT: no samples" and writes its empty output with status 0; a renderer
# writes its "no valid input" output and exits 2, as flamegraph.pl does.
test_readers_empty() {
	local f c st name
	: > "$T/e0"
	printf '# nothing but a comment\n\n' > "$T/e1"
	printf 'main;a 0\n' > "$T/e2"
	: | gzip > "$T/e3"
	for f in e0 e1 e2 e3; do
		for c in "$FG" "$PPROF"; do
			name=empty/$f/$(basename "$c")
			"$c" -o "$T/out" "$T/$f" 2> "$T/err"
			st=$?
			if [ "$st" -eq 0 ] && [ -e "$T/out" ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
			   grep -q "^$(basename "$c"): $T/$f: no samples" "$T/err"; then
				ok "readers/$name"
			else
				bad "readers/$name" "status $st" "$(head -3 "$T/err")"
			fi
			rm -f "$T/out"
		done
		"$DIFF" "$T/$f" "$T/e0" > "$T/out" 2> "$T/err"
		st=$?
		[ "$st" -eq 0 ] && [ ! -s "$T/out" ] && [ "$(grep -c ': no samples$' "$T/err")" -eq 2 ] &&
			ok "readers/empty/$f/fg-diff" || bad "readers/empty/$f/fg-diff" "status $st" "$(head -3 "$T/err")"
		for c in "$SVG" "$ICICLE" "$DOT" "$TOP"; do
			expect_error "readers/empty/$f/$(basename "$c")" 2 "^$(basename "$c"): $T/$f: no valid input" -- \
				"$c" "$T/$f"
		done
	done
	# The renderers' output says so: the flame graph's image, the call
	# graph's box (here drawn by Graphviz).
	"$SVG" -o "$T/e.svg" "$T/e0" 2> /dev/null
	grep -q 'No valid input' "$T/e.svg" && ok "readers/empty/svg-image" ||
		bad "readers/empty/svg-image" "$(head -c 300 "$T/e.svg")"
	"$DOT" -o "$T/e-dot.svg" "$T/e0" 2> /dev/null
	grep -q 'no valid input: no samples' "$T/e-dot.svg" && ok "readers/empty/dot-image" ||
		bad "readers/empty/dot-image" "$(head -c 300 "$T/e-dot.svg")"
	# The empty pprof profile fg-pprof writes is read back as no samples.
	"$PPROF" -q -o "$T/e.pb.gz" "$T/e0"
	"$FG" "$T/e.pb.gz" > "$T/out" 2> "$T/err"
	[ $? -eq 0 ] && [ ! -s "$T/out" ] && grep -q 'e.pb.gz: no samples' "$T/err" &&
		ok "readers/empty/pprof-round-trip" || bad "readers/empty/pprof-round-trip" "$(head -3 "$T/err")"
}

# A gzip of zeros inflates to a thousand times its size; the binary
# readers look at what comes as it comes (formats/README.md, "pprof:
# memory", "gperftools profiles") and stop at the first byte that cannot be
# theirs, rather than inflate it all first: 1 GiB of zeros took 1 GiB
# before fgkit said no.
test_readers_inflation() {
	local c hdr
	# 1 GiB of zeros in 1 MB: a gzip member of 1 MiB, 1,024 times.
	head -c 1048576 /dev/zero | gzip -c > "$T/z1"
	perl -e 'local $/; my $m = <STDIN>; print $m x 1024' < "$T/z1" > "$T/zeros.gz"
	expect_error_within "inflation/pprof-zeros" 65536 \
		"^fg-collapse: $T/zeros.gz: not a profile.proto message: field number 0 at byte 0$" -- \
		"$FG" pprof "$T/zeros.gz"
	expect_error_within "inflation/gperf-zeros" 65536 \
		"^fg-collapse: $T/zeros.gz: not a gperftools CPU or heap profile$" -- \
		"$FG" gperf "$T/zeros.gz"
	for c in "$FG" "$SVG" "$TOP"; do
		expect_error_within "inflation/$(basename "$c")-zeros" 65536 \
			"^$(basename "$c"): $T/zeros.gz: unrecognized input" -- "$c" "$T/zeros.gz"
	done
	# A file (read, not inflated): a sparse 1 GiB of zeros.
	rm -f "$T/sparse"
	truncate -s 1G "$T/sparse"
	expect_error_within "inflation/pprof-file-of-zeros" 65536 \
		"^fg-collapse: $T/sparse: not a profile.proto message: field number 0 at byte 0$" -- \
		"$FG" pprof "$T/sparse"
	# Zeros after a start that detection takes for a profile (90 KB of
	# strings: more than it looks at), in every command that detects it.
	{ mkproto; perl -e 'print "\x32\x01a" x 30000'; } | gzip -c > "$T/head.gz"
	cat "$T/head.gz" "$T/zeros.gz" > "$T/pprof-zeros.gz"
	for c in "$FG" "$SVG" "$DIFF $T/head.gz" "$PPROF -o $T/x.pb.gz"; do
		expect_error_within "inflation/pprof-head-zeros-$(basename "${c%% *}")" 65536 \
			"^$(basename "${c%% *}"): $T/pprof-zeros.gz: not a profile.proto message: field number 0 at byte 90[0-9]{3}$" -- \
			$c "$T/pprof-zeros.gz"
	done
	# A heap profile is text: its first NUL byte is where the text
	# reader says it is binary.
	printf 'heap profile:    1:   512 [    1:   512] @ heapprofile\n' | gzip -c > "$T/heap.gz"
	cat "$T/heap.gz" "$T/zeros.gz" > "$T/heap-zeros.gz"
	expect_error_within "inflation/gperf-heap-zeros" 65536 \
		"^fg-collapse: $T/heap-zeros.gz:2: binary data \(NUL byte at offset 55\); expected text$" -- \
		"$FG" "$T/heap-zeros.gz"
	# A CPU profile's records end at one without PCs, with a warning:
	# nothing after it is read.
	hdr='\0\0\0\0\0\0\0\0\3\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x10\x27\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
	printf "$hdr" | gzip -c > "$T/cpu.gz"
	cat "$T/cpu.gz" "$T/zeros.gz" > "$T/cpu-zeros.gz"
	set -- $(measured "$FG" "$T/cpu-zeros.gz")
	if [ "$1" = 0 ] && [ ! -s "$T/out" ] && [ "$2" -le 65536 ] &&
	   [ "$(head -1 "$T/err")" = "fg-collapse: $T/cpu-zeros.gz: record at byte 40 has 0 PCs, past the end of the file; the rest is ignored" ] &&
	   [ "$(sed -n '2,$p' "$T/err")" = "fg-collapse: $T/cpu-zeros.gz: no samples" ]; then
		ok "inflation/gperf-cpu-zeros"
	else
		bad "inflation/gperf-cpu-zeros" "exit status $1, peak RSS $2 KiB" "$(head -3 "$T/err")"
	fi
	# The maps text ends at a NUL byte, with a warning: the same stacks.
	local g=$TD/gperf/c-cpu
	"$FG" gperf "$g/prog" "$g/cpu.prof" > "$T/exp" 2> /dev/null
	gzip -c "$g/cpu.prof" | cat - "$T/zeros.gz" > "$T/cpu-maps-zeros.gz"
	set -- $(measured "$FG" "$g/prog" "$T/cpu-maps-zeros.gz")
	if [ "$1" = 0 ] && cmp -s "$T/exp" "$T/out" && [ "$2" -le 65536 ] &&
	   [ "$(cat "$T/err")" = "fg-collapse: $T/cpu-maps-zeros.gz: binary data in the maps text (a NUL byte at byte $(wc -c < "$g/cpu.prof")); the rest is ignored" ]; then
		ok "inflation/gperf-cpu-maps-zeros"
	else
		bad "inflation/gperf-cpu-maps-zeros" "exit status $1, peak RSS $2 KiB" "$(head -3 "$T/err")"
	fi
}

# title_of SVG NAME: the title text of frame NAME
title_of() {
	grep -o "<title[^>]*>$2 ([^<]*</title>" "$1" | head -1 | sed 's/<[^>]*>//g'
}

# Units: what the input counts is what is shown, as pprof shows it.
test_units() {
	local P=$TD/pprof g
	# A Go CPU profile: seconds, as go tool pprof -top says.
	"$SVG" "$P/go-cpu-basic.pb.gz" > "$T/cpu.svg" 2> "$T/err"
	g=$(sed -n 's/.*Total samples = \([0-9.]*s\).*/\1/p' "$P/go-cpu-basic.top.txt")
	[ "$(title_of "$T/cpu.svg" all)" = "all ($g, 100%)" ] && ok "units/go-cpu-svg-total" ||
		bad "units/go-cpu-svg-total" "$(title_of "$T/cpu.svg" all), want $g"
	g=$(awk '$NF == "main.crunchA" { print $4 }' "$P/go-cpu-basic.top.txt")
	title_of "$T/cpu.svg" main.crunchA | grep -q "^main.crunchA ($g, " && ok "units/go-cpu-svg-frame" ||
		bad "units/go-cpu-svg-frame" "$(title_of "$T/cpu.svg" main.crunchA), want cum $g"
	# The browser's script scales the same way (its settings carry the unit).
	grep -q 'unit: {f: 1, d: 3, s: \[\["ns", 1\], \["us", 1000\], \["ms", 1000000\], \["s", 1000000000\], \["hrs", 3600000000000\]\]}' "$T/cpu.svg" &&
		ok "units/go-cpu-script" || bad "units/go-cpu-script" "$(grep -o 'unit: [^}]*}' "$T/cpu.svg")"
	# fg-diff's report in seconds
	"$DIFF" --report --top=3 "$P/go-cpu-basic.pb.gz" "$P/go-cpu-inline.pb.gz" > "$T/out" 2> "$T/err"
	if head -1 "$T/out" | grep -q '^# Share of all samples by self: before 3.28s, after [0-9.]*s$' &&
	   sed -n 3p "$T/out" | grep -q ' [0-9.]*s  *0  '; then
		ok "units/diff-report-seconds"
	else
		bad "units/diff-report-seconds" "$(head -3 "$T/out")"
	fi
	# Sides that count different units: plain numbers, and a warning.
	printf 'main;a 5\n' > "$T/five.folded"
	"$DIFF" --report "$T/five.folded" "$P/go-cpu-basic.pb.gz" > "$T/out" 2> "$T/err"
	if head -1 "$T/out" | grep -q '^# Share of all samples by self: before 5, after 3280000000$' &&
	   grep -q 'BEFORE counts samples/count and AFTER cpu/nanoseconds' "$T/err"; then
		ok "units/diff-report-mixed-units"
	else
		bad "units/diff-report-mixed-units" "$(head -2 "$T/out")" "$(cat "$T/err")"
	fi
	"$DIFF" --report -f json "$P/go-cpu-basic.pb.gz" "$P/go-cpu-inline.pb.gz" > "$T/out" 2> "$T/err"
	grep -q '"type": "cpu", "unit": "nanoseconds", "before_total": 3280000000' "$T/out" &&
		ok "units/diff-report-json" || bad "units/diff-report-json" "$(head -c 200 "$T/out")"
	# fg-pprof keeps the type and unit; read back, still seconds
	"$PPROF" -o "$T/rt.pb.gz" "$P/go-cpu-basic.pb.gz" 2> "$T/err"
	"$SVG" "$T/rt.pb.gz" > "$T/rt.svg" 2>> "$T/err"
	[ "$(title_of "$T/rt.svg" all)" = "all (3.28s, 100%)" ] && ok "units/pprof-roundtrip" ||
		bad "units/pprof-roundtrip" "$(title_of "$T/rt.svg" all)" "$(cat "$T/err")"
	# A heap profile: bytes (go tool pprof -top: 22401.95kB = 21.88MB)
	"$SVG" "$P/go-heap.pb.gz" > "$T/heap.svg" 2> "$T/err"
	g=$(sed -n 's/.* of \([0-9.]*\)kB total.*/\1/p' "$P/go-heap.top.txt")
	g=$(awk -v k="$g" 'BEGIN { printf "%.2fMB", k / 1024 }')
	[ "$(title_of "$T/heap.svg" all)" = "all ($g, 100%)" ] && ok "units/go-heap-bytes" ||
		bad "units/go-heap-bytes" "$(title_of "$T/heap.svg" all), want $g"
	"$SVG" --sample-index=alloc_objects "$P/go-heap.pb.gz" > "$T/heap.svg" 2> "$T/err"
	title_of "$T/heap.svg" all | grep -q '^all ([0-9,]* alloc_objects, 100%)$' && ok "units/go-heap-objects" ||
		bad "units/go-heap-objects" "$(title_of "$T/heap.svg" all)"
	# gperftools: a CPU profile counts samples, a heap profile bytes
	"$SVG" "$TD/gperf/c-heap/prog" "$TD/gperf/c-heap/heap.0001.heap" > "$T/gh.svg" 2> "$T/err"
	title_of "$T/gh.svg" all | grep -q '^all ([0-9.]*[kM]*B, 100%)$' && ok "units/gperf-heap-bytes" ||
		bad "units/gperf-heap-bytes" "$(title_of "$T/gh.svg" all)"
	# A perf cpu-clock recording: its periods are nanoseconds
	gzip -dc "$TD/perf/recorded/c-callstruct.perf.txt.gz" > "$T/cs.perf"
	"$SVG" "$T/cs.perf" > "$T/perf.svg" 2> "$T/err"
	g=$("$FG" perf "$T/cs.perf" | awk '{ s += $NF } END { printf "%.2fs", s / 1e9 }')
	[ "$(title_of "$T/perf.svg" all)" = "all ($g, 100%)" ] && ok "units/perf-cpu-clock" ||
		bad "units/perf-cpu-clock" "$(title_of "$T/perf.svg" all), want $g"
	"$PPROF" -o "$T/perf.pb.gz" "$T/cs.perf" 2> "$T/err"
	"$DIFF" --report -f json "$T/perf.pb.gz" "$T/perf.pb.gz" > "$T/out" 2>> "$T/err"
	grep -q '"type": "cpu-clock", "unit": "nanoseconds"' "$T/out" && ok "units/perf-to-pprof-type" ||
		bad "units/perf-to-pprof-type" "$(head -c 200 "$T/out")" "$(cat "$T/err")"
	# A recording without periods counts samples
	"$SVG" "$TD/perf/recorded/c-pthreads-fields.perf.txt.gz" > "$T/s.svg" 2> "$T/err"
	title_of "$T/s.svg" all | grep -q '^all ([0-9,]* samples, 100%)$' && ok "units/perf-samples" ||
		bad "units/perf-samples" "$(title_of "$T/s.svg" all)"
	# Folded stacks count samples unless --unit says otherwise
	printf 'main;a 1500000\nmain;b 500000\n' > "$T/ns.folded"
	"$SVG" --unit=nanoseconds "$T/ns.folded" > "$T/u.svg" 2> "$T/err"
	[ "$(title_of "$T/u.svg" main)" = "main (2ms, 100.00%)" ] && ok "units/folded-unit-option" ||
		bad "units/folded-unit-option" "$(title_of "$T/u.svg" main)"
	"$SVG" "$T/ns.folded" > "$T/u.svg" 2> "$T/err"
	[ "$(title_of "$T/u.svg" main)" = "main (2,000,000 samples, 100.00%)" ] && ok "units/folded-samples" ||
		bad "units/folded-samples" "$(title_of "$T/u.svg" main)"
	expect_error "units/bad-unit" 2 "unit: 'a/b/c'" -- "$SVG" --unit=a/b/c "$T/ns.folded"
	# --countname and --factor keep counts plain, as flamegraph.pl shows them
	"$SVG" --countname=ns "$P/go-cpu-basic.pb.gz" > "$T/c.svg" 2> "$T/err"
	[ "$(title_of "$T/c.svg" all)" = "all (3,280,000,000 ns, 100%)" ] && ok "units/countname-overrides" ||
		bad "units/countname-overrides" "$(title_of "$T/c.svg" all)"
	"$SVG" --factor=0.000001 "$P/go-cpu-basic.pb.gz" > "$T/c.svg" 2> "$T/err"
	[ "$(title_of "$T/c.svg" all)" = "all (3,280 samples, 100%)" ] && ok "units/factor-overrides" ||
		bad "units/factor-overrides" "$(title_of "$T/c.svg" all)"
	# Integers above 2^53 keep every digit, end to end
	printf 'a;b 9007199254740993\na;c 1\n' > "$T/big.folded"
	"$FG" folded "$T/big.folded" > "$T/out" 2> "$T/err"
	same "units/exact-folded" "$T/big.folded" "$T/out"
	"$SVG" "$T/big.folded" > "$T/big.svg" 2> "$T/err"
	[ "$(title_of "$T/big.svg" all)" = "all (9,007,199,254,740,994 samples, 100%)" ] &&
	   [ "$(title_of "$T/big.svg" b)" = "b (9,007,199,254,740,993 samples, 100.00%)" ] &&
		ok "units/exact-svg" || bad "units/exact-svg" "$(title_of "$T/big.svg" all)" "$(title_of "$T/big.svg" b)"
	"$DIFF" --report -f json "$T/big.folded" "$T/big.folded" > "$T/out" 2> "$T/err"
	grep -q '"before_total": 9007199254740994' "$T/out" && grep -q '"before": 9007199254740993' "$T/out" &&
		ok "units/exact-report" || bad "units/exact-report" "$(head -c 300 "$T/out")"
	printf 'a;b 18446744073709551615\na;c 1\n' > "$T/wrap.folded"
	expect_error "units/sum-past-2^64" 1 "wrap.folded:2: count overflow" -- "$FG" folded "$T/wrap.folded"
}
