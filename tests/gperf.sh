# gperf.sh - tests of the gperftools profile parsers (formats/gperf.c)
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
