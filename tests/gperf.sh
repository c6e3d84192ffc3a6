# gperf.sh - tests of the gperftools profile parsers (formats/gperf/gperf.c)
# and of `fg-collapse gperf`
# through build/tests/gperfdump, sourced by run.sh.  The totals are checked
# against google-pprof --text on the same profiles (testdata/gperf).

GD=$TD/gperf

test_gperf_parsers() {
	local dump=$1 c want got
	if [ ! -x "$dump" ]; then
		bad "gperf/parsers" "$dump is missing"
		return
	fi
	# CPU: the records' ticks add up to google-pprof's "Total: N samples".
	for c in c-cpu cpp-cpu threads-cpu; do
		want=$(sed -n 's/^Total: \([0-9]*\) samples$/\1/p' "$GD/$c/cpu.text.txt")
		"$dump" "$GD/$c/cpu.prof" > "$T/dump" 2> "$T/err"
		got=$(sed -n 's/.* ticks=\([0-9]*\) .*/\1/p' "$T/dump")
		if [ -n "$want" ] && [ "$got" = "$want" ] && [ ! -s "$T/err" ] &&
		   grep -q '^cpu word=8 big=0 period=4000 ' "$T/dump"; then
			ok "gperf/cpu-total/$c"
		else
			bad "gperf/cpu-total/$c" "ticks $got, want $want" "$(cat "$T/dump" "$T/err")"
		fi
	done
	# Heap: in-use bytes match google-pprof's "Total: N MB" (one decimal).
	for c in c-heap cpp-heap; do
		want=$(sed -n 's/^Total: \([0-9.]*\) MB$/\1/p' "$GD/$c/heap.text.txt")
		"$dump" "$GD/$c/heap.0001.heap" > "$T/dump" 2> "$T/err"
		got=$(sed -n 's|.* inuse=[0-9]*/\([0-9]*\) .*|\1|p' "$T/dump" |
			awk '{ printf "%.1f", $1 / 1048576 }')
		if [ -n "$want" ] && [ "$got" = "$want" ] &&
		   grep -q '^heap tag=heapprofile sampling=0 ' "$T/dump"; then
			ok "gperf/heap-total/$c"
		else
			bad "gperf/heap-total/$c" "in use $got MB, want $want" "$(cat "$T/dump" "$T/err")"
		fi
	done
	# The first stack's leaf lies in the program's text, in a function
	# google-pprof lists (addr2line names it from the same binary).
	"$dump" "$GD/c-cpu/cpu.prof" > "$T/dump"
	local off fn
	off=$(sed -n 's|^first=.*/prog+\(0x[0-9a-f]*\)$|\1|p' "$T/dump")
	fn=$(addr2line -f -e "$GD/c-cpu/prog" "$off" 2> /dev/null | head -1)
	if [ -n "$fn" ] && grep -q " $fn\$" "$GD/c-cpu/cpu.text.txt"; then
		ok "gperf/maps-first-pc"
	else
		bad "gperf/maps-first-pc" "offset '$off' names '$fn'"
	fi
	# Other word sizes and byte orders: the same records re-encoded.
	for fmt in "V:4" "N:4" "Q>:8"; do
		perl -e 'my ($f, $w) = split /:/, $ARGV[0]; local $/; open my $h, "<", $ARGV[1] or die;
			binmode $h; my $d = <$h>; my @s = unpack("Q<*", $d);
			# header and records only: up to the trailer 0 1 0
			my @o; for (my $i = 0; $i < @s; $i++) { push @o, $s[$i] & ($w == 4 ? 0xffffffff : ~0);
				last if $i >= 7 && $s[$i-2] == 0 && $s[$i-1] == 1 && $s[$i] == 0 }
			binmode STDOUT; print pack("$f*", @o)' "$fmt" "$GD/c-cpu/cpu.prof" > "$T/re.prof"
		"$dump" "$T/re.prof" > "$T/dump" 2> "$T/err"
		local w=${fmt#*:} big=0
		case $fmt in N:*|Q\>:*) big=1 ;; esac
		grep -q "^cpu word=$w big=$big period=4000 records=24 ticks=404 maps=0" "$T/dump" &&
			ok "gperf/cpu-layout/$fmt" || bad "gperf/cpu-layout/$fmt" "$(cat "$T/dump" "$T/err")"
	done
	# Damage: a record running past the end is a warning, the records
	# before it stay; a foreign file is an error.
	head -c 400 "$GD/c-cpu/cpu.prof" > "$T/cut.prof"
	"$dump" "$T/cut.prof" > "$T/dump" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q 'record at byte [0-9]* has [0-9]* PCs, past the end' "$T/err" &&
	   grep -q '^cpu .* ticks=[1-9]' "$T/dump"; then
		ok "gperf/cpu-truncated-warns"
	else
		bad "gperf/cpu-truncated-warns" "$(cat "$T/dump" "$T/err")"
	fi
	printf 'hello\n' > "$T/foreign"
	expect_error "gperf/heap-foreign" 1 "foreign:1: not a gperftools heap profile" -- "$dump" "$T/foreign"
	{ head -2 "$GD/c-heap/heap.0001.heap"; echo '   12: 34 [ 5: x] @ 0x1'; } > "$T/bad.heap"
	expect_error "gperf/heap-malformed" 1 "bad.heap:3: malformed bucket line" -- "$dump" "$T/bad.heap"
}

# google-pprof --collapsed output as a set of stacks: the same stack summed
# over its lines, zero values dropped (fg-collapse leaves them out), sorted.
# With --raw, its untouched output: the <address> suffixes of main-binary
# functions go, and so do frames marked [inline] (--no-inline's view).
gperf_expect() {
	awk -v raw="$1" '{
		n = $NF; $NF = ""; sub(/ $/, "")
		if (raw) {
			k = split($0, f, ";"); o = ""
			for (i = 1; i <= k; i++) {
				if (f[i] ~ /\[inline\]$/) continue
				sub(/<[0-9a-f]+>$/, "", f[i])
				o = o (o == "" ? "" : ";") f[i]
			}
			$0 = o
		}
		s[$0] += n
	} END { for (k in s) if (s[k] > 0) print k, s[k] }' "$2" | LC_ALL=C sort
}

# Every row of gperf.tsv: BINARY PROFILE with OPTS gives google-pprof's
# stacks, names and counts (the corpus was made on this Debian release:
# library frames need the same libc, libm and libstdc++, and libc6-dbg).
test_gperf_corpus() {
	local c b p o e n=0
	while IFS='	' read -r c b p o e; do
		[ "$c" = case ] && continue
		[ "$o" = - ] && o=
		n=$((n + 1))
		# shellcheck disable=SC2086
		"$FG" gperf $o "$GD/$b" "$GD/$p" > "$T/got" 2> "$T/err"
		local st=$?
		gperf_expect 0 "$GD/$e" > "$T/want"
		LC_ALL=C sort "$T/got" > "$T/got.sorted"
		if [ $st -ne 0 ] || [ -s "$T/err" ]; then
			bad "gperf/corpus/$c$o" "exit $st" "$(head -3 "$T/err")"
		elif ! cmp -s "$T/want" "$T/got.sorted"; then
			bad "gperf/corpus/$c$o" "$(diff "$T/want" "$T/got.sorted" | head -4 | cut -c1-200)"
		elif ! LC_ALL=C sort -c "$T/got" 2> /dev/null; then
			bad "gperf/corpus/$c$o" "output not sorted"
		else
			ok "gperf/corpus/$c$o"
		fi
	done < "$GD/gperf.tsv"
	[ $n -eq 13 ] || bad "gperf/corpus-rows" "$n rows read, want 13"
	# --no-inline: google-pprof's frames without those it marks [inline].
	for c in c-cpu cpp-cpu threads-cpu; do
		gperf_expect 1 "$GD/$c/cpu.collapsed.google-pprof.txt" > "$T/want"
		"$FG" gperf --no-inline "$GD/$c/prog" "$GD/$c/cpu.prof" 2> "$T/err" |
			LC_ALL=C sort > "$T/got"
		same "gperf/no-inline/$c" "$T/want" "$T/got"
	done
	# cpp-cpu really has inlined frames, so the two views differ: the
	# inlined ones are there by default and gone with --no-inline.
	"$FG" gperf "$GD/cpp-cpu/prog" "$GD/cpp-cpu/cpu.prof" 2> /dev/null |
		LC_ALL=C sort > "$T/inl"
	"$FG" gperf --no-inline "$GD/cpp-cpu/prog" "$GD/cpp-cpu/cpu.prof" 2> /dev/null |
		LC_ALL=C sort > "$T/noinl"
	if [ -s "$T/inl" ] && [ -s "$T/noinl" ] && ! cmp -s "$T/inl" "$T/noinl" &&
	   [ "$(awk '{ s += $NF } END { print s }' "$T/inl")" = \
	     "$(awk '{ s += $NF } END { print s }' "$T/noinl")" ] &&
	   [ "$(tr ';' '\n' < "$T/inl" | wc -l)" -gt "$(tr ';' '\n' < "$T/noinl" | wc -l)" ]; then
		ok "gperf/no-inline-differs"
	else
		bad "gperf/no-inline-differs" "--no-inline changed nothing, or the counts"
	fi
}

test_gperf_options() {
	local c=c-cpu
	# stdin, -o, and the same stacks as from the file.
	"$FG" gperf "$GD/$c/prog" "$GD/$c/cpu.prof" > "$T/file.folded" 2> /dev/null
	"$FG" gperf "$GD/$c/prog" < "$GD/$c/cpu.prof" > "$T/stdin.folded" 2> /dev/null
	same "gperf/stdin" "$T/file.folded" "$T/stdin.folded"
	"$FG" gperf "$GD/$c/prog" - < "$GD/$c/cpu.prof" > "$T/stdin.folded" 2> /dev/null
	same "gperf/stdin-dash" "$T/file.folded" "$T/stdin.folded"
	"$FG" gperf -o "$T/o.folded" "$GD/$c/prog" "$GD/$c/cpu.prof"
	same "gperf/output-file" "$T/file.folded" "$T/o.folded"
	gzip -c "$GD/$c/cpu.prof" > "$T/cpu.prof.gz"
	"$FG" gperf "$GD/$c/prog" "$T/cpu.prof.gz" > "$T/gz.folded" 2> /dev/null
	same "gperf/gzip" "$T/file.folded" "$T/gz.folded"
	# Other word sizes and byte orders, maps text kept: 64-bit big-endian
	# gives the same stacks; 32-bit words cannot hold these addresses, so
	# there only the total (google-pprof's 404 samples) is checked.
	local fmt
	for fmt in "V:4" "N:4" "Q>:8"; do
		perl -e 'my ($f, $w) = split /:/, $ARGV[0]; local $/; open my $h, "<", $ARGV[1] or die;
			binmode $h; my $d = <$h>; my @s = unpack("Q<*", $d); my @o; my $i;
			for ($i = 0; $i < @s; $i++) { push @o, $s[$i] & ($w == 4 ? 0xffffffff : ~0);
				last if $i >= 7 && $s[$i-2] == 0 && $s[$i-1] == 1 && $s[$i] == 0 }
			binmode STDOUT; print pack("$f*", @o), substr($d, ($i + 1) * 8)' \
			"$fmt" "$GD/$c/cpu.prof" > "$T/re.prof"
		"$FG" gperf -q "$GD/$c/prog" "$T/re.prof" > "$T/re.folded"
		if [ "$fmt" = "Q>:8" ]; then
			same "gperf/layout/$fmt" "$T/file.folded" "$T/re.folded"
		elif [ "$(awk '{ s += $NF } END { print s }' "$T/re.folded")" = 404 ]; then
			ok "gperf/layout/$fmt"
		else
			bad "gperf/layout/$fmt" "$(head -3 "$T/re.folded")"
		fi
	done
	# The profile names /opt/.../prog, which is not here: without BINARY
	# its addresses stay raw, with one warning; libc still has names.
	"$FG" gperf "$GD/$c/cpu.prof" > "$T/nobin" 2> "$T/err"
	if [ $? -eq 0 ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
	   grep -q 'prog: cannot read (No such file or directory); 19 addresses left as \[prog+0xOFF\]' "$T/err" &&
	   grep -q '^\[prog+0x[0-9a-f]*\];__libc_start_main_impl;__libc_start_call_main;\[prog+0x[0-9a-f]*\]' "$T/nobin"; then
		ok "gperf/no-binary"
	else
		bad "gperf/no-binary" "$(head -2 "$T/err")" "$(head -2 "$T/nobin")"
	fi
	# The wrong program: its return addresses do not follow calls.
	"$FG" gperf "$GD/cpp-cpu/prog" "$GD/$c/cpu.prof" > "$T/wrong" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q 'cpp-cpu/prog does not match the profile.s mapping of .*/c-cpu/prog (is it the profiled program?)' "$T/err" &&
	   ! grep -q 'std::' "$T/wrong" && grep -q '^\[prog+0x' "$T/wrong"; then
		ok "gperf/wrong-binary"
	else
		bad "gperf/wrong-binary" "$(head -2 "$T/err")" "$(head -2 "$T/wrong")"
	fi
	# A truncated profile: the records before the cut, a warning, and no
	# maps, so raw addresses everywhere.
	head -c 400 "$GD/$c/cpu.prof" > "$T/cut.prof"
	"$FG" gperf "$GD/$c/prog" "$T/cut.prof" > "$T/cut" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q 'past the end' "$T/err" && [ -s "$T/cut" ] &&
	   ! tr ';' '\n' < "$T/cut" | grep -vq '^0x[0-9a-f]*\( [0-9]*\)\?$'; then
		ok "gperf/truncated"
	else
		bad "gperf/truncated" "$(head -3 "$T/err")" "$(head -2 "$T/cut")"
	fi
	# The heap value options do not apply to a CPU profile.
	"$FG" gperf --alloc_space "$GD/$c/prog" "$GD/$c/cpu.prof" > "$T/x" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q 'a CPU profile; the heap value options do not apply' "$T/err" &&
	   cmp -s "$T/x" "$T/file.folded"; then
		ok "gperf/heap-option-on-cpu"
	else
		bad "gperf/heap-option-on-cpu" "$(cat "$T/err")"
	fi
	# heap_v2/R: each bucket scaled by 1 / (1 - exp(-(bytes/objects)/R)),
	# as google-pprof does.  One bucket of c-heap, so one stack.
	local R=524288 hp="$GD/c-heap/heap.0001.heap" v
	{ echo "heap profile:   200000: 16000000 [200000: 16000000] @ heap_v2/$R"
	  grep '^200000: 16000000 ' "$hp"
	  sed -n '/^MAPPED_LIBRARIES:/,$p' "$hp"; } > "$T/v2.heap"
	for v in inuse_space:16000000:200000 alloc_objects:200000:200000; do
		local opt=${v%%:*} rest=${v#*:}
		local want
		want=$(awk -v n="${rest%%:*}" -v o="${rest#*:}" -v r=$R 'BEGIN {
			printf "%.0f", n / (1 - exp(-(16000000 / o) / r)) }')
		"$FG" gperf --"$opt" "$GD/c-heap/prog" "$T/v2.heap" > "$T/v2" 2> "$T/err"
		if [ "$(wc -l < "$T/v2")" -eq 1 ] &&
		   grep -q "^_start;.*;main;build_list;make_node $want\$" "$T/v2"; then
			ok "gperf/heap_v2/$opt"
		else
			bad "gperf/heap_v2/$opt" "want ... $want" "$(cat "$T/v2" "$T/err")"
		fi
	done
}

test_gperf_errors() {
	printf 'hello\n' > "$T/foreign"
	expect_error "gperf/err/foreign" 1 "^fg-collapse: $T/foreign: not a gperftools CPU or heap profile$" -- \
		"$FG" gperf "$T/foreign"
	: > "$T/empty"
	expect_error "gperf/err/empty" 1 "^fg-collapse: $T/empty: not a gperftools CPU or heap profile$" -- \
		"$FG" gperf "$T/empty"
	{ head -2 "$GD/c-heap/heap.0001.heap"; echo '   12: 34 [ 5: x] @ 0x1'; } > "$T/bad.heap"
	expect_error "gperf/err/heap-line" 1 "^fg-collapse: $T/bad.heap:3: malformed bucket line" -- \
		"$FG" gperf "$GD/c-heap/prog" "$T/bad.heap"
	expect_error "gperf/err/missing" 1 "^fg-collapse: $T/nope: No such file or directory$" -- \
		"$FG" gperf "$T/nope"
	expect_error "gperf/err/usage" 2 "gperf takes \[BINARY\] PROFILE" -- \
		"$FG" gperf a b c
	expect_error "gperf/err/option" 2 "unrecognized option" -- \
		"$FG" gperf --inuse-space x
	# -o keeps an old file when the input is bad.
	echo keep > "$T/kept"
	"$FG" gperf -o "$T/kept" "$T/foreign" 2> /dev/null
	[ "$(cat "$T/kept")" = keep ] && ok "gperf/err/output-kept" ||
		bad "gperf/err/output-kept" "$(head -2 "$T/kept")"
}

# gperf_cpu FILE: a gperftools CPU profile (64-bit little-endian words)
# from text on stdin: "COUNT PC..." lines (hex PCs, leaf first), a "--"
# line, then the maps text as it is.
gperf_cpu() {
	perl -e 'no warnings "portable"; binmode STDOUT;
		print pack("Q<*", 0, 3, 0, 10000, 0);
		while (<STDIN>) {
			last if /^--$/;
			my ($c, @pc) = split;
			print pack("Q<*", $c, scalar @pc, map { hex } @pc);
		}
		print pack("Q<*", 0, 1, 0);
		print while <STDIN>' > "$1"
}

# Mappings of one file share one warning, which counts the addresses of
# them all (it counted the first mapping's only).
test_gperf_mappings_share() {
	gperf_cpu "$T/two.prof" <<-'END'
	1 1010 1020 1030
	1 2010 2020 2030
	--
	1000-2000 r-xp 00001000 00:00 0 /nonexistent/prog
	2000-3000 r-xp 00001000 00:00 0 /nonexistent/prog
	END
	"$FG" gperf "$T/two.prof" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
	   grep -q 'prog: cannot read (No such file or directory); 6 addresses left as \[prog+0xOFF\]$' "$T/err"; then
		ok "gperf/mappings-share-a-warning"
	else
		bad "gperf/mappings-share-a-warning" "$(cat "$T/err")"
	fi
}

# 200,000 distinct return addresses in the command's own code
# (tests/gperf_many.pl): they do not follow calls, so the file is taken for
# another build and they stay raw.  Checking them read the file's bytes
# once per address, through libelf, which took minutes; timeout turns such
# a regression into a failure (the run takes about a second).
test_gperf_many_addresses() {
	local n=200000 st
	if ! perl tests/gperf_many.pl "$FG" $n > "$T/many.prof" 2> "$T/err"; then
		bad "gperf/many-addresses" "cannot make the profile" "$(cat "$T/err")"
		return
	fi
	timeout 60 "$FG" gperf "$T/many.prof" > "$T/out" 2> "$T/err"
	st=$?
	# (the leaf, in no mapping, has a warning of its own)
	if [ $st -eq 0 ] && [ "$(wc -l < "$T/err")" -eq 2 ] &&
	   grep -q "does not match the profile's mapping of .*; $n addresses left as \[fg-collapse+0xOFF\]\$" "$T/err" &&
	   grep -q ": 1 address in no executable mapping" "$T/err" &&
	   [ "$(awk '{ s += $NF } END { print s }' "$T/out")" -eq $(((n + 62) / 63)) ] &&
	   [ "$(sed 's/ [0-9]*$//' "$T/out" | tr ';' '\n' | grep -c '^\[fg-collapse+0x')" -eq $n ]; then
		ok "gperf/many-addresses"
	else
		bad "gperf/many-addresses" "exit $st (124 is the timeout)" "$(head -3 "$T/err")"
	fi
}

# A map line naming a FIFO, a device or a directory: nothing is opened
# that is not a regular file (a FIFO blocked the open for ever), the
# frames stay raw, with the reason.
test_gperf_nonregular() {
	local f what st
	rm -rf "$T/fifo" "$T/dir"
	mkfifo "$T/fifo"
	mkdir "$T/dir"
	for f in "$T/fifo:not a regular file" "/dev/zero:not a regular file" "$T/dir:a directory"; do
		what=${f#*:}
		f=${f%%:*}
		gperf_cpu "$T/nonreg.prof" <<-END
		3 1010 1020 1030
		--
		1000-2000 r-xp 00001000 00:00 0 $f
		END
		timeout 20 "$FG" gperf "$T/nonreg.prof" > "$T/out" 2> "$T/err"
		st=$?
		if [ $st -eq 0 ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
		   grep -q "^fg-collapse: $f: cannot read ($what); 3 addresses left as \[$(basename "$f")+0xOFF\]\$" "$T/err" &&
		   [ "$(cat "$T/out")" = "[$(basename "$f")+0x102f];[$(basename "$f")+0x101f];[$(basename "$f")+0x1010] 3" ]; then
			ok "gperf/nonregular/$(basename "$f")"
		else
			bad "gperf/nonregular/$(basename "$f")" "exit $st (124 is the timeout)" "$(head -2 "$T/err")" "$(head -2 "$T/out")"
		fi
	done
}

# Profiles cut short (head -c of the fixtures): a warning naming the byte
# (and the line, in heap profiles), an error with --strict.  A heap bucket
# line cut inside an address made a frame of half of it; a CPU profile cut
# in its maps left the libraries' frames as hex, silently.
test_gperf_cut() {
	local hp=$GD/c-heap/heap.0001.heap cp=$GD/c-cpu/cpu.prof at n
	# Heap: cut 9 bytes before the end of line 5, inside its last address.
	head -c $(($(head -5 "$hp" | wc -c) - 9)) "$hp" > "$T/cut.heap"
	at=$(head -4 "$hp" | wc -c)
	"$FG" gperf --alloc_space "$GD/c-heap/prog" "$T/cut.heap" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && [ "$(wc -l < "$T/err")" -eq 2 ] &&
	   grep -q "^fg-collapse: $T/cut.heap:5: the last line (at byte $at) has no newline: the profile may be cut short; the line is left out\$" "$T/err" &&
	   grep -q "^fg-collapse: $T/cut.heap:5: no memory map after the buckets (MAPPED_LIBRARIES:): the profile may be cut short; its addresses stay unnamed\$" "$T/err" &&
	   [ "$(wc -l < "$T/out")" -eq 3 ] && ! grep -q '421106016$' "$T/out"; then
		ok "gperf/cut/heap-line"
	else
		bad "gperf/cut/heap-line" "$(cat "$T/err")" "$(cat "$T/out")"
	fi
	expect_error "gperf/cut/heap-line-strict" 1 \
		"^fg-collapse: $T/cut.heap:5: the last line \(at byte $at\) has no newline" -- \
		"$FG" gperf --strict --alloc_space "$GD/c-heap/prog" "$T/cut.heap"
	# CPU: cut inside the maps line before libc's: libc's addresses are
	# in no mapping now.
	head -c 2000 "$cp" > "$T/cut.prof"
	at=$(perl -0777 -ne 'print rindex($_, "\n") + 1' "$T/cut.prof")
	"$FG" gperf "$GD/c-cpu/prog" "$T/cut.prof" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && [ "$(wc -l < "$T/err")" -eq 2 ] &&
	   grep -q "^fg-collapse: $T/cut.prof: the last line of the memory map (at byte $at) has no newline: the profile may be cut short; the line is left out\$" "$T/err" &&
	   grep -q "^fg-collapse: $T/cut.prof: 2 addresses in no executable mapping of the profile's memory map (is it cut short?); left as 0xADDR\$" "$T/err" &&
	   grep -q '^_start;0x7ff3bc64f304;0x7ff3bc64f249;main;histogram 140$' "$T/out"; then
		ok "gperf/cut/cpu-maps"
	else
		bad "gperf/cut/cpu-maps" "$(cat "$T/err")" "$(head -3 "$T/out")"
	fi
	expect_error "gperf/cut/cpu-maps-strict" 1 \
		"^fg-collapse: $T/cut.prof: the last line of the memory map \(at byte $at\) has no newline" -- \
		"$FG" gperf --strict "$GD/c-cpu/prog" "$T/cut.prof"
	# CPU: cut right after the trailer, before the maps.
	at=$(grep -abo '55aee61a0000-' "$cp" | head -1 | cut -d: -f1)
	head -c "$at" "$cp" > "$T/nomaps.prof"
	"$FG" gperf "$GD/c-cpu/prog" "$T/nomaps.prof" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
	   grep -q "^fg-collapse: $T/nomaps.prof: no memory map after the records (at byte $at): the profile may be cut short; its addresses stay unnamed\$" "$T/err" &&
	   [ "$(awk '{ s += $NF } END { print s }' "$T/out")" = 404 ]; then
		ok "gperf/cut/cpu-no-maps"
	else
		bad "gperf/cut/cpu-no-maps" "$(cat "$T/err")" "$(head -3 "$T/out")"
	fi
	expect_error "gperf/cut/cpu-no-maps-strict" 1 "no memory map after the records" -- \
		"$FG" gperf --strict "$GD/c-cpu/prog" "$T/nomaps.prof"
	# CPU: cut inside the records.
	head -c 400 "$cp" > "$T/cutrec.prof"
	expect_error "gperf/cut/cpu-record-strict" 1 \
		"^fg-collapse: $T/cutrec.prof: record at byte [0-9]+ has [0-9]+ PCs, past the end of the file" -- \
		"$FG" gperf --strict "$GD/c-cpu/prog" "$T/cutrec.prof"
	# Whole profiles are whole: --strict changes nothing, and the
	# command-wide --strict (fg-svg's, fg-diff's gate) reaches them.
	for n in c-cpu/cpu.prof c-heap/heap.0001.heap; do
		"$FG" gperf "$GD/${n%%/*}/prog" "$GD/$n" > "$T/want" 2> /dev/null
		"$FG" gperf --strict "$GD/${n%%/*}/prog" "$GD/$n" > "$T/out" 2> "$T/err"
		if [ $? -eq 0 ] && [ ! -s "$T/err" ] && cmp -s "$T/want" "$T/out"; then
			ok "gperf/cut/whole-strict/${n%%/*}"
		else
			bad "gperf/cut/whole-strict/${n%%/*}" "$(head -2 "$T/err")"
		fi
	done
	expect_error "gperf/cut/auto-strict" 1 "no memory map after the records" -- \
		"$FG" --strict --binary="$GD/c-cpu/prog" "$T/nomaps.prof"
	expect_error "gperf/cut/diff-gate" 1 "no memory map after the records" -- \
		"$DIFF" --fail-above=50 --binary="$GD/c-cpu/prog" "$cp" "$T/nomaps.prof"
}

# gperf_heap FILE "N: N [N: N]"...: a heap profile of c-heap's program, one
# bucket line per argument, each with the stack of c-heap's make_node
# bucket, then c-heap's maps.
gperf_heap() {
	local f=$1 b hp=$GD/c-heap/heap.0001.heap
	shift
	{ echo "heap profile:   1: 1 [1: 1] @ heapprofile"
	  for b in "$@"; do
		grep '^200000: 16000000 ' "$hp" | sed "s/^[^@]*@/$b @/"
	  done
	  sed -n '/^MAPPED_LIBRARIES:/,$p' "$hp"; } > "$f"
}

# Counts stay exact integers: 4611686018427387903 is not ...904, 2^63 - 1
# is not dropped, 2^64 - 1 is read; a sum past 2^64 - 1 is an error, and
# so is a count past it.  Heap profiles built from one bucket of c-heap.
test_gperf_counts() {
	local prog=$GD/c-heap/prog v o want
	local stack='_start;__libc_start_main_impl;__libc_start_call_main;main;build_list;make_node'
	gperf_heap "$T/big.heap" "1: 4611686018427387903 [1: 9223372036854775807]"
	for v in inuse_space:4611686018427387903 alloc_space:9223372036854775807; do
		o=${v%%:*} want=${v#*:}
		"$FG" gperf --"$o" "$prog" "$T/big.heap" > "$T/out" 2> "$T/err"
		if [ $? -eq 0 ] && [ ! -s "$T/err" ] && [ "$(cat "$T/out")" = "$stack $want" ]; then
			ok "gperf/counts/exact/$o"
		else
			bad "gperf/counts/exact/$o" "want $want" "$(cat "$T/out" "$T/err")"
		fi
	done
	# Two buckets of one stack add up exactly, up to 2^64 - 1.
	gperf_heap "$T/max.heap" "1: 18446744073709551614 [1: 1]" "1: 1 [1: 1]"
	"$FG" gperf "$prog" "$T/max.heap" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && [ ! -s "$T/err" ] && [ "$(cat "$T/out")" = "$stack 18446744073709551615" ]; then
		ok "gperf/counts/max"
	else
		bad "gperf/counts/max" "$(cat "$T/out" "$T/err")"
	fi
	gperf_heap "$T/over.heap" "1: 18446744073709551615 [1: 1]" "1: 1 [1: 1]"
	expect_error "gperf/counts/sum-overflow" 1 \
		"^fg-collapse: $T/over.heap:3: count overflow \(the values add up past 2\^64 - 1\)\$" -- \
		"$FG" gperf "$prog" "$T/over.heap"
	gperf_heap "$T/toobig.heap" "1: 18446744073709551616 [1: 1]"
	expect_error "gperf/counts/too-big" 1 \
		"^fg-collapse: $T/toobig.heap:2: a count in the bucket line is past 2\^64 - 1\$" -- \
		"$FG" gperf "$prog" "$T/toobig.heap"
	# Sampled profiles are scaled as doubles: the rounded value must fit.
	gperf_heap "$T/scaled.heap" "1: 18446744073709551615 [1: 1]"
	sed -i '1s/heapprofile$/heap_v2\/524288/' "$T/scaled.heap"
	expect_error "gperf/counts/scaled-overflow" 1 \
		"^fg-collapse: $T/scaled.heap: count overflow \(a stack's scaled value is past 2\^64 - 1\)\$" -- \
		"$FG" gperf "$prog" "$T/scaled.heap"
	# CPU profiles: tick counts are words, summed exactly too (the file
	# they map is missing: one warning, raw frames).
	gperf_cpu "$T/big.prof" <<-'END'
	9223372036854775807 1010 1020
	4611686018427387903 1030 1020
	--
	1000-2000 r-xp 00001000 00:00 0 /nonexistent/prog
	END
	"$FG" gperf -q "$T/big.prof" > "$T/out"
	printf '%s\n' '[prog+0x101f];[prog+0x1010] 9223372036854775807' \
		'[prog+0x101f];[prog+0x1030] 4611686018427387903' > "$T/want"
	same "gperf/counts/cpu-exact" "$T/want" "$T/out"
	gperf_cpu "$T/over.prof" <<-'END'
	9223372036854775808 1010 1020
	9223372036854775808 1030 1020
	--
	1000-2000 r-xp 00001000 00:00 0 /nonexistent/prog
	END
	expect_error "gperf/counts/cpu-sum-overflow" 1 \
		"^fg-collapse: $T/over.prof: record at byte 72: count overflow \(the counts add up past 2\^64 - 1\)\$" -- \
		"$FG" gperf "$T/over.prof"
}
