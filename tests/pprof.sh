# pprof.sh - tests of `fg-collapse pprof` and fg-pprof, sourced by run.sh
# (which defines ok, bad, same, expect_error, $T, $TD, and $FG, $PPROF for
# the variant).

PD=$TD/pprof

# traces_to_folded [KEYS] [noinline] < TRACES: folded stacks from `go tool
# pprof -traces` output, written independently of fgkit: frames root to leaf,
# values converted to the base unit (ns), "(inline)" marks dropped (or, with
# noinline, those frames), KEYS (comma-separated label keys) as root frames.
traces_to_folded() {
	awk -v keys="$1" -v noinl="${2:-}" '
	function conv(s,   m) {
		if (s ~ /ns$/) m = 1; else if (s ~ /us$/) m = 1e3
		else if (s ~ /ms$/) m = 1e6; else if (s ~ /s$/) m = 1e9; else m = 1
		sub(/[a-z]+$/, "", s)
		return s * m
	}
	function flush(   s, i, k, v) {
		if (n > 0 || nfr > 0) {
			s = ""
			for (k = 1; k <= nk; k++) {
				v = (key[k] in lab) ? lab[key[k]] : "[unknown]"
				s = s (s == "" ? "" : ";") v
			}
			for (i = nfr; i >= 1; i--) s = s (s == "" ? "" : ";") fr[i]
			if (s != "") sum[s] += val
		}
		n = 0; nfr = 0; delete lab
	}
	BEGIN { nk = split(keys, key, ",") }
	/^-----------\+/ { flush(); inblk = 1; next }
	!inblk { next }
	n == 0 && /^ *[^ ]+:  / {
		k = $0; sub(/^ */, "", k); v = k
		sub(/:  .*/, "", k); sub(/^[^ ]+:  /, "", v)
		lab[k] = v; next
	}
	{
		line = $0
		if (n++ == 0) {
			sub(/^ */, "", line)
			val = conv(substr(line, 1, index(line, " ") - 1))
			sub(/^[^ ]+ +/, "", line)
		} else
			sub(/^ +/, "", line)
		if (line ~ / \(inline\)$/) {
			if (noinl != "") next
			sub(/ \(inline\)$/, "", line)
		}
		fr[++nfr] = line
	}
	END {
		flush()
		for (s in sum) if (sum[s] != 0) printf "%s %.0f\n", s, sum[s]
	}' | sort
}

# keep_frames REGEX [invert] < FOLDED: the stacks with a frame matching
# (or, inverted, without one)
keep_frames() {
	awk -v re="$1" -v inv="${2:-}" '{
		s = $0; sub(/ [0-9]+$/, "", s); k = split(s, f, ";"); m = 0
		for (i = 1; i <= k; i++) if (f[i] ~ re) m = 1
		if ((inv == "") == m) print
	}'
}

# Every case of the pprof corpus, every listed sample index.
test_pprof_corpus() {
	local case input index exp o
	while IFS=$'\t' read -r case input index exp; do
		[ "$case" = case ] && continue
		o=
		[ "$index" != default ] && o=--sample-index=$index
		"$FG" pprof $o "$PD/$input" > "$T/out" 2> "$T/err"
		same "pprof/corpus/$case/$index" "$PD/$exp" "$T/out"
	done < "$PD/pprof.tsv"
	# formats/README.md, "pprof: samples to folded stacks": inlined
	# functions as frames, innermost last.
	"$FG" pprof "$PD/example-cpu.pb.gz" > "$T/out" 2> "$T/err"
	grep -qx 'runtime.main;main.main;main.big;main.hashLoop;main.mix 430000000' "$T/out" &&
		ok "pprof/example-e5" || bad "pprof/example-e5" "$(head -3 "$T/out")"
	# Index by number is the same as by name; uncompressed input; stdin.
	"$FG" pprof --sample-index=0 "$PD/go-heap.pb.gz" > "$T/out"
	same "pprof/index-number" "$PD/go-heap.folded-alloc_objects.txt" "$T/out"
	gzip -dc "$PD/go-cpu-basic.pb.gz" > "$T/raw.pb"
	"$FG" pprof "$T/raw.pb" > "$T/out"
	same "pprof/uncompressed" "$PD/go-cpu-basic.folded.txt" "$T/out"
	"$FG" pprof < "$PD/go-cpu-basic.pb.gz" > "$T/out"
	same "pprof/stdin" "$PD/go-cpu-basic.folded.txt" "$T/out"
	# Several files are summed.
	"$FG" pprof "$PD/go-cpu-basic.pb.gz" "$T/raw.pb" > "$T/out"
	awk '{ n = $NF; sub(/ [0-9]+$/, ""); printf "%s %.0f\n", $0, 2 * n }' \
		"$PD/go-cpu-basic.folded.txt" > "$T/exp"
	same "pprof/two-files-summed" "$T/exp" "$T/out"
	"$FG" pprof -o "$T/o.folded" "$PD/go-cpu-basic.pb.gz"
	same "pprof/output-file" "$PD/go-cpu-basic.folded.txt" "$T/o.folded"
}

# Options, against expectations derived from go tool pprof's -traces
# output or the corpus files, not from fgkit.
test_pprof_options() {
	traces_to_folded "stage,shard" < "$PD/go-cpu-labels.traces.txt" > "$T/exp"
	"$FG" pprof --labels=stage,shard "$PD/go-cpu-labels.pb.gz" > "$T/out" 2> "$T/err"
	same "pprof/labels" "$T/exp" "$T/out"
	# Without --labels: go tool pprof's -traces, folded by awk.
	traces_to_folded "" < "$PD/go-cpu-labels.traces.txt" > "$T/exp"
	"$FG" pprof "$PD/go-cpu-labels.pb.gz" > "$T/out" 2> "$T/err"
	same "pprof/no-labels-as-traces" "$T/exp" "$T/out"
	"$FG" pprof --labels=nosuchkey "$PD/go-cpu-labels.pb.gz" > "$T/out" 2> "$T/err"
	grep -q 'no sample has any of the --labels keys' "$T/err" &&
		[ "$(cut -d';' -f1 "$T/out" | sort -u)" = "[unknown]" ] &&
		ok "pprof/labels-missing" || bad "pprof/labels-missing" "$(cat "$T/err")"

	traces_to_folded "" noinline < "$PD/go-cpu-inline.traces.txt" > "$T/exp"
	"$FG" pprof --no-inline "$PD/go-cpu-inline.pb.gz" > "$T/out" 2> "$T/err"
	same "pprof/no-inline" "$T/exp" "$T/out"
	grep -q 'main.rotl' "$PD/go-cpu-inline.folded.txt" && ! grep -q 'main.rotl' "$T/out" &&
		ok "pprof/no-inline-drops-inlined" || bad "pprof/no-inline-drops-inlined"

	local f=$PD/go-test-cpuprofile
	keep_frames 'textproc\.Reverse$' < "$f.folded.txt" > "$T/exp"
	"$FG" pprof --focus='textproc\.Reverse$' "$f.pb.gz" > "$T/out" 2> "$T/err"
	[ -s "$T/exp" ] && same "pprof/focus" "$T/exp" "$T/out" || bad "pprof/focus" "nothing to keep"
	keep_frames '^strings\.' inv < "$f.folded.txt" > "$T/exp"
	"$FG" pprof --ignore='^strings\.' "$f.pb.gz" > "$T/out" 2> "$T/err"
	same "pprof/ignore" "$T/exp" "$T/out"
	keep_frames 'textproc\.Reverse$' < "$f.folded.txt" | keep_frames '^runtime\.mallocgc$' inv > "$T/exp"
	"$FG" pprof --focus='textproc\.Reverse$' --ignore='^runtime\.mallocgc$' "$f.pb.gz" > "$T/out" 2> "$T/err"
	same "pprof/focus-and-ignore" "$T/exp" "$T/out"
	"$FG" pprof --focus='^no-such-function$' "$f.pb.gz" > "$T/out" 2> "$T/err"
	[ ! -s "$T/out" ] && grep -q -- '--focus matched no sample' "$T/err" &&
		ok "pprof/focus-no-match" || bad "pprof/focus-no-match" "$(cat "$T/err")"

	# --lines/--files: every frame gains :LINE (and the file); without
	# them the stacks are the default ones.
	"$FG" pprof --lines "$f.pb.gz" > "$T/lines"
	"$FG" pprof --lines --files "$f.pb.gz" > "$T/files"
	if awk '{ s = $0; sub(/ [0-9]+$/, "", s); k = split(s, f, ";")
		  for (i = 1; i <= k; i++) if (f[i] !~ /:[0-9]+$/) { print f[i]; exit 1 } }' "$T/lines" &&
	   awk '{ s = $0; sub(/ [0-9]+$/, "", s); k = split(s, f, ";")
		  for (i = 1; i <= k; i++) if (f[i] !~ /:\/.*\.(go|s):[0-9]+$/) { print f[i]; exit 1 } }' "$T/files"; then
		ok "pprof/lines-files-shape"
	else
		bad "pprof/lines-files-shape" "$(head -2 "$T/lines")"
	fi
	sed -E 's/:[0-9]+(;| )/\1/g' "$T/lines" | "$FG" folded > "$T/out"
	same "pprof/lines-sum-to-default" "$f.folded.txt" "$T/out"
	grep -q 'main\.clamp:14 ' <("$FG" pprof --lines "$PD/go-cpu-inline.pb.gz") &&
		ok "pprof/lines-of-inlined" || bad "pprof/lines-of-inlined"
}

# A small profile.proto made byte by byte (formats/README.md, "pprof: wire
# encoding"): strings "", samples, count, main, leaf; function 1 main, 2
# leaf; location 1 -> main, 2 -> leaf; one sample [2 1] value 5.  Pieces can
# be swapped for damage.
mkproto() {
	local st=${ST:-'\x0a\x04\x08\x01\x10\x02'}
	local sm=${SM:-'\x12\x07\x0a\x02\x02\x01\x12\x01\x05'}
	local lo=${LO:-'\x22\x06\x08\x01\x22\x02\x08\x01\x22\x06\x08\x02\x22\x02\x08\x02'}
	local fn=${FN:-'\x2a\x04\x08\x01\x10\x03\x2a\x04\x08\x02\x10\x04'}
	local strs=${STRS:-'\x32\x00\x32\x07samples\x32\x05count\x32\x04main\x32\x04leaf'}
	printf "$st$sm$lo$fn$strs"
}

# drop_frames/keep_frames, as go tool pprof applies them (its -traces
# output on these same bytes gave the expected stacks).  Locations: 1 main,
# 2 leaf, 3 mid, 4 mid with leaf inlined; samples leaf<-mid<-main (5) and
# loc4<-main (7); string 6 (and 7) are the expressions.
test_pprof_drop_frames() {
	local base='\x0a\x04\x08\x01\x10\x02\x12\x08\x0a\x03\x02\x03\x01\x12\x01\x05\x12\x07\x0a\x02\x04\x01\x12\x01\x07\x22\x06\x08\x01\x22\x02\x08\x01\x22\x06\x08\x02\x22\x02\x08\x02\x22\x06\x08\x03\x22\x02\x08\x03\x22\x0a\x08\x04\x22\x02\x08\x02\x22\x02\x08\x03\x2a\x04\x08\x01\x10\x03\x2a\x04\x08\x02\x10\x04\x2a\x04\x08\x03\x10\x05\x32\x00\x32\x07samples\x32\x05count\x32\x04main\x32\x04leaf\x32\x03mid'
	local name tail want
	while read -r name tail want; do
		[ "$tail" = - ] && tail=
		printf "$base$tail" > "$T/drop.pb"
		echo "$want" > "$T/exp"
		"$FG" pprof "$T/drop.pb" > "$T/out" 2> "$T/err"
		same "pprof/drop-frames/$name" "$T/exp" "$T/out"
	done <<-'EOF'
	none - main;mid;leaf 12
	whole-location \x32\x05mid|x\x38\x06 main 12
	inlined-line \x32\x04leaf\x38\x06 main;mid 12
	keep-frames \x32\x08mid|leaf\x32\x03mid\x38\x06\x40\x07 main;mid 12
	root-kept \x32\x04main\x38\x06 main;mid;leaf 12
	EOF
}

# Locations without functions: in a mapping (libfoo.so at 0x1000, file
# offset 0x100), or in none.  go tool pprof -traces shows [libfoo.so] and
# <unknown>, with -addresses 0000000000001234 and 0000000000005678.
test_pprof_unsymbolized() {
	printf '\x0a\x04\x08\x01\x10\x02\x12\x07\x0a\x02\x02\x01\x12\x01\x05\x12\x07\x0a\x02\x03\x01\x12\x01\x02\x1a\x0d\x08\x01\x10\x80\x20\x18\x80\x40\x20\x80\x02\x28\x04\x22\x06\x08\x01\x22\x02\x08\x01\x22\x07\x08\x02\x10\x01\x18\xb4\x24\x22\x06\x08\x03\x18\xf8\xac\x01\x2a\x04\x08\x01\x10\x03\x32\x00\x32\x07samples\x32\x05count\x32\x04main\x32\x12/usr/lib/libfoo.so' > "$T/unsym.pb"
	printf 'main;[libfoo.so] 5\nmain;[unknown] 2\n' > "$T/exp"
	"$FG" pprof "$T/unsym.pb" > "$T/out" 2> "$T/err"
	same "pprof/unsymbolized" "$T/exp" "$T/out"
	printf 'main;0x5678 2\nmain;[libfoo.so+0x334] 5\n' > "$T/exp"
	"$FG" pprof --addresses "$T/unsym.pb" > "$T/out" 2> "$T/err"
	same "pprof/addresses" "$T/exp" "$T/out"
}

test_pprof_errors() {
	mkproto > "$T/p.pb"
	echo 'main;leaf 5' > "$T/exp"
	"$FG" pprof "$T/p.pb" > "$T/out" 2> "$T/err"
	same "pprof/err/handmade-ok" "$T/exp" "$T/out"
	# Unpacked location ids decode the same.
	SM='\x12\x07\x08\x02\x08\x01\x12\x01\x05' mkproto > "$T/p2.pb"
	"$FG" pprof "$T/p2.pb" > "$T/out" 2> "$T/err"
	same "pprof/err/unpacked-ids" "$T/exp" "$T/out"
	# Sparse ids (1000000, 2000000) go through the hashed id index.
	SM='\x12\x0b\x0a\x06\x80\x89\x7a\xc0\x84\x3d\x12\x01\x05' \
	LO='\x22\x08\x08\xc0\x84\x3d\x22\x02\x08\x01\x22\x08\x08\x80\x89\x7a\x22\x02\x08\x02' \
		mkproto > "$T/p3.pb"
	"$FG" pprof "$T/p3.pb" > "$T/out" 2> "$T/err"
	same "pprof/err/sparse-ids" "$T/exp" "$T/out"
	SM='\x12\x0b\x0a\x06\x80\x89\x7a\xc0\x84\x3d\x12\x01\x05' \
	LO='\x22\x08\x08\xc0\x84\x3d\x22\x02\x08\x01\x22\x08\x08\xc0\x84\x3d\x22\x02\x08\x02' \
		mkproto > "$T/bad.pb"
	expect_error "pprof/err/sparse-duplicate-id" 1 "several locations with id 1000000" -- \
		"$FG" pprof "$T/bad.pb"
	: > "$T/empty"
	expect_error "pprof/err/empty" 1 "^fg-collapse: $T/empty: empty profile$" -- \
		"$FG" pprof "$T/empty"
	head -c 300 "$PD/go-test-cpuprofile.pb.gz" > "$T/cut.gz"
	expect_error "pprof/err/truncated-gzip" 1 "^fg-collapse: $T/cut.gz: truncated gzip data" -- \
		"$FG" pprof "$T/cut.gz"
	gzip -dc "$PD/go-test-cpuprofile.pb.gz" | head -c 5000 > "$T/cut.pb"
	expect_error "pprof/err/truncated-message" 1 "cut.pb: not a profile.proto message: .* at byte [0-9]+" -- \
		"$FG" pprof "$T/cut.pb"
	random_bytes 4096 "$T/random"
	expect_error "pprof/err/random" 1 "^fg-collapse: $T/random: (not a profile.proto|invalid profile)" -- \
		"$FG" pprof "$T/random"
	expect_error "pprof/err/folded-text" 1 "looks like text \(folded stacks" -- \
		"$FG" pprof "$PD/go-cpu-basic.folded.txt"
	printf 'heap profile:    1:   512 [    1:   512] @ heapprofile\n' > "$T/heap"
	expect_error "pprof/err/gperf-heap" 1 "looks like a gperftools heap profile" -- \
		"$FG" pprof "$T/heap"
	STRS='\x32\x00\x32\x07samples\x32\x05count\x32\x04main' mkproto > "$T/bad.pb"
	expect_error "pprof/err/string-index" 1 "bad.pb: invalid profile: string index 4 out of range \(the table has 4 strings\)" -- \
		"$FG" pprof "$T/bad.pb"
	STRS='\x32\x01x\x32\x07samples\x32\x05count\x32\x04main\x32\x04leaf' mkproto > "$T/bad.pb"
	expect_error "pprof/err/string-zero" 1 'string table must start with ""' -- \
		"$FG" pprof "$T/bad.pb"
	SM='\x12\x07\x0a\x02\x03\x01\x12\x01\x05' mkproto > "$T/bad.pb"
	expect_error "pprof/err/location-id" 1 "bad.pb: invalid profile: sample 1 has unknown location id 3" -- \
		"$FG" pprof "$T/bad.pb"
	SM='\x12\x08\x0a\x02\x02\x01\x12\x02\x05\x06' mkproto > "$T/bad.pb"
	expect_error "pprof/err/value-count" 1 "sample 1 has 2 values for 1 sample types" -- \
		"$FG" pprof "$T/bad.pb"
	FN='\x2a\x04\x08\x01\x10\x03\x2a\x04\x08\x01\x10\x04' mkproto > "$T/bad.pb"
	expect_error "pprof/err/duplicate-id" 1 "several functions with id 1" -- \
		"$FG" pprof "$T/bad.pb"
	LO='\x22\x06\x08\x01\x22\x02\x08\x01\x22\x06\x08\x02\x22\x02\x08\x07' mkproto > "$T/bad.pb"
	expect_error "pprof/err/line-function" 1 "location 2 has a line with unknown function id 7" -- \
		"$FG" pprof "$T/bad.pb"
	{ printf '\x48\x01'; mkproto; printf '\x48\x02'; } > "$T/bad.pb"
	expect_error "pprof/err/concatenated" 1 "concatenated profiles" -- \
		"$FG" pprof "$T/bad.pb"
	{ mkproto; printf '\x3b'; } > "$T/bad.pb"
	expect_error "pprof/err/group" 1 "unsupported wire type .* at byte [0-9]+$" -- "$FG" pprof "$T/bad.pb"
	# A wrong wire type inside a sample: protobuf-c rejects it, with the
	# sample's byte offset.
	SM='\x12\x07\x0a\x02\x02\x01\x1a\x01\x05' mkproto > "$T/bad.pb"
	expect_error "pprof/err/sample-decode" 1 "sample 1 at byte 8 cannot be decoded" -- \
		"$FG" pprof "$T/bad.pb"
	expect_error "pprof/err/index-range" 1 "sample-index=5 is outside the range \[0..1\]" -- \
		"$FG" pprof --sample-index=5 "$PD/go-cpu-basic.pb.gz"
	expect_error "pprof/err/index-name" 1 "no sample type 'bytes' \(the profile has: samples, cpu\)" -- \
		"$FG" pprof --sample-index=bytes "$PD/go-cpu-basic.pb.gz"
	expect_error "pprof/usage/bad-regex" 2 "focus" -- "$FG" pprof '--focus=(' "$T/p.pb"
	expect_error "pprof/usage/labels" 2 "labels needs" -- "$FG" pprof --labels=, "$T/p.pb"
	# Negative values (pprof -diff_base output) are skipped with a warning.
	SM='\x12\x10\x0a\x02\x02\x01\x12\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01' mkproto > "$T/neg.pb"
	"$FG" pprof "$T/neg.pb" > "$T/out" 2> "$T/err"
	[ $? -eq 0 ] && [ ! -s "$T/out" ] && grep -q '1 samples with negative values skipped' "$T/err" &&
		ok "pprof/err/negative-warns" || bad "pprof/err/negative-warns" "$(cat "$T/err")"
	echo keep > "$T/o.folded"
	"$FG" pprof -o "$T/o.folded" "$T/bad.pb" 2> /dev/null
	[ "$(cat "$T/o.folded")" = keep ] && ok "pprof/err/output-kept" || bad "pprof/err/output-kept"
}

# perl_field NUM: stdin as a length-delimited protobuf field NUM
perl_field() {
	perl -e 'local $/; my $b = <STDIN>; my $n = length $b; my $v = "";
		while ($n >= 128) { $v .= chr(($n & 127) | 128); $n >>= 7 }
		print chr($ARGV[0] << 3 | 2), $v, chr($n), $b' "$1"
}

# Profiles that would take more memory than their size justifies
# (formats/README.md, "pprof: memory"): refused in one line, without
# taking it.
test_pprof_budget() {
	local c
	# 16 million empty strings after a valid profile: 32 MiB, 33 KB
	# gzipped, that protobuf-c made 900 MB of (and the profile was read).
	{ mkproto; perl -e 'print "\x32\x00" x (16 << 20)'; } | gzip -1 > "$T/strings.pb.gz"
	expect_error_within "pprof/budget/strings" 150000 \
		"^fg-collapse: $T/strings.pb.gz: implausible profile: decoding its 167772[0-9]+ table entries \(167772[0-9]+ strings\) would take more memory than its 32.0 MiB justify \(16 times that, plus 64 MiB\)$" -- \
		"$FG" pprof "$T/strings.pb.gz"
	# Every command reads profiles through the same reader.
	for c in "$SVG" "$TOP" "$PPROF -o $T/x.pb.gz" "$DIFF $T/strings.pb.gz"; do
		expect_error_within "pprof/budget/strings-$(basename "${c%% *}")" 150000 \
			"^$(basename "${c%% *}"): $T/strings.pb.gz: implausible profile: decoding its" -- \
			$c "$T/strings.pb.gz"
	done
	# What is not counted before decoding is held to the budget as it is
	# decoded: a location of 4 million empty lines (8 MiB; 350 MB decoded).
	{ printf '\x08\x03'; perl -e 'print "\x22\x00" x (4 << 20)'; } | perl_field 4 > "$T/lines"
	{ mkproto; cat "$T/lines"; } | gzip -1 > "$T/lines.pb.gz"
	expect_error_within "pprof/budget/lines" 260000 \
		"^fg-collapse: $T/lines.pb.gz: implausible profile: decoding its tables would take more memory than its 8.0 MiB justify" -- \
		"$FG" pprof "$T/lines.pb.gz"
	# Stacks: location 3 has 1,000 lines (of leaf); a location id takes a
	# byte of a sample, but its frames 4,000 bytes of the stack.  One
	# sample of it 20,000 times: 80 MB for one stack.
	{ printf '\x08\x03'; perl -e 'print "\x22\x02\x08\x02" x 1000'; } | perl_field 4 > "$T/loc3"
	{ perl -e 'print "\x03" x 20000, "\x01"' | perl_field 1; printf '\x12\x01\x05'; } |
		perl_field 2 > "$T/deep"
	{ mkproto; cat "$T/loc3" "$T/deep"; } > "$T/deep.pb"
	expect_error_within "pprof/budget/deep-stack" 100000 \
		"^fg-collapse: $T/deep.pb: implausible profile: the stack of sample 2 \(20000001 frames\) would take more memory than its 2[0-9].[0-9] KiB justify" -- \
		"$FG" pprof "$T/deep.pb"
	# 20 samples of it 1,000 times each, each its own stack: 80 MB of
	# stacks from 24 KB.
	{ mkproto; cat "$T/loc3"
	  for c in $(seq 20); do
		{ perl -e 'print "\x01" x $ARGV[0], "\x03" x 1000, "\x01"' "$c" | perl_field 1
		  printf '\x12\x01\x05'; } | perl_field 2
	  done; } > "$T/stacks.pb"
	# (The record array doubles, so twice that is taken at the end.)
	expect_error_within "pprof/budget/stacks" 200000 \
		"^fg-collapse: $T/stacks.pb: implausible profile: the stacks? of (its samples|sample 1[0-9] \(1000[0-9]+ frames\)) would take more memory than its 2[0-9].[0-9] KiB justify" -- \
		"$FG" pprof "$T/stacks.pb"
	# Fields Profile does not have are skipped, not decoded (protobuf-c
	# kept each, at 56 bytes for 3): 4 million of them, 12 MiB, 300 MB.
	{ mkproto; perl -e 'print "\x80\x01\x00" x (4 << 20)'; } | gzip -1 > "$T/unknown.pb.gz"
	set -- $(measured "$FG" pprof "$T/unknown.pb.gz")
	if [ "$1" = 0 ] && [ "$2" -le 100000 ] && [ "$(cat "$T/out")" = "main;leaf 5" ] && [ ! -s "$T/err" ]; then
		ok "pprof/budget/unknown-fields"
	else
		bad "pprof/budget/unknown-fields" "exit status $1, peak RSS $2 KiB" "$(head -3 "$T/err")"
	fi
	# Below the budget, the same shapes are read.
	{ mkproto; perl -e 'print "\x32\x00" x (1 << 20)'; } | gzip -1 > "$T/ok.pb.gz"
	echo 'main;leaf 5' > "$T/exp"
	"$FG" pprof "$T/ok.pb.gz" > "$T/out" 2> "$T/err"
	same "pprof/budget/strings-below" "$T/exp" "$T/out"
}

# reads_back NAME FOLDED PROFILE [OPTION...]: fg-collapse pprof OPTIONS
# on PROFILE gives FOLDED's stacks
reads_back() {
	local name=$1 folded=$2 pb=$3
	shift 3
	"$FG" pprof "$@" "$pb" > "$T/out" 2>> "$T/err"
	"$FG" folded "$folded" > "$T/exp"
	same "$name" "$T/exp" "$T/out"
}

# fg-pprof: folded -> profile.proto -> folded gives the input back.
test_fg_pprof() {
	local f
	for f in "$PD"/*.folded*.txt "$TD/diff/perf-templates-maptohash.before.folded"; do
		"$PPROF" -o "$T/rt.pb.gz" "$f" 2> "$T/err"
		reads_back "fg-pprof/roundtrip/$(basename "$f")" "$f" "$T/rt.pb.gz"
	done
	gzip -t "$T/rt.pb.gz" && ok "fg-pprof/gzipped" || bad "fg-pprof/gzipped"
	# Two counts: two sample values, named before and after.
	local c=$TD/diff/perf-templates-maptohash
	"$DIFF" "$c.before.folded" "$c.after.folded" > "$T/diff.folded"
	"$PPROF" -o "$T/diff.pb.gz" "$T/diff.folded"
	reads_back "fg-pprof/two-counts-before" "$c.before.folded" "$T/diff.pb.gz" --sample-index=before
	reads_back "fg-pprof/two-counts-after-default" "$c.after.folded" "$T/diff.pb.gz"
	"$PPROF" -t cpu/nanoseconds -o "$T/diff2.pb.gz" "$T/diff.folded"
	reads_back "fg-pprof/two-counts-derived-types" "$c.before.folded" "$T/diff2.pb.gz" \
		--sample-index=cpu_before
	# stdin, gzip input, fractional counts rounded with a warning
	printf 'a;b 1.4\na;c 2.6\n' | gzip | "$PPROF" > "$T/frac.pb.gz" 2> "$T/err"
	"$FG" pprof "$T/frac.pb.gz" > "$T/out"
	printf 'a;b 1\na;c 3\n' > "$T/exp"
	grep -q 'rounded' "$T/err" && same "fg-pprof/fractional" "$T/exp" "$T/out" ||
		bad "fg-pprof/fractional" "$(cat "$T/err")"
	expect_error "fg-pprof/usage/type" 2 "is not TYPE/UNIT" -- "$PPROF" --type=cpu -o "$T/x" "$c.before.folded"
	expect_error "fg-pprof/usage/two-types" 2 "two types, but the input has one count" -- \
		"$PPROF" --type=a/b,c/d -o "$T/x" "$c.before.folded"
	expect_error "fg-pprof/usage/period" 2 "period: 'x' is not a number" -- "$PPROF" --period=x -o "$T/x"
	printf 'a;b 1\nbroken\n' > "$T/broken"
	expect_error "fg-pprof/err/strict" 1 "broken:2: malformed line" -- \
		"$PPROF" --strict -o "$T/x" "$T/broken"
	echo keep > "$T/keep.pb.gz"
	"$PPROF" --strict -o "$T/keep.pb.gz" "$T/broken" 2> /dev/null
	[ "$(cat "$T/keep.pb.gz")" = keep ] && ok "fg-pprof/err/output-kept" || bad "fg-pprof/err/output-kept"
}

# go tool pprof reads fg-pprof's output without complaint and shows the
# same stacks (its -traces output, folded independently by awk).  Go names:
# pprof prints C++ names without their argument lists.
test_fg_pprof_go() {
	if ! command -v go > /dev/null 2>&1; then
		skip "go-tool-pprof" "go is not installed (Debian golang-go); the check that go tool pprof reads fg-pprof's output did not run"
		return
	fi
	local f=$PD/go-test-cpuprofile.folded.txt
	"$PPROF" -t cpu/nanoseconds --period=10000000 -o "$T/go.pb.gz" "$f"
	GOFLAGS= HOME=$T go tool pprof -traces "$T/go.pb.gz" > "$T/traces" 2> "$T/err"
	if [ $? -ne 0 ] || [ -s "$T/err" ]; then
		bad "go-tool-pprof/traces" "$(head -3 "$T/err")"
	else
		traces_to_folded "" < "$T/traces" > "$T/out"
		"$FG" folded "$f" > "$T/exp"
		same "go-tool-pprof/traces" "$T/exp" "$T/out"
		grep -q '^Type: cpu$' "$T/traces" && ok "go-tool-pprof/type" ||
			bad "go-tool-pprof/type" "$(head -3 "$T/traces")"
	fi
	"$PPROF" -o "$T/go2.pb.gz" "$TD/diff/perf-templates-maptohash.before.folded"
	GOFLAGS= HOME=$T go tool pprof -top "$T/go2.pb.gz" > "$T/top" 2> "$T/err"
	if [ $? -eq 0 ] && [ ! -s "$T/err" ] && grep -q 'flat%' "$T/top"; then
		ok "go-tool-pprof/top"
	else
		bad "go-tool-pprof/top" "$(head -3 "$T/err")"
	fi
}
