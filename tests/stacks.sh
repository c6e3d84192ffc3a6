# stacks.sh - the text stack formats of FlameGraph's stackcollapse-*
# scripts (dtrace, stap, bpftrace, gdb, elfutils, sample, vtune, vsprof,
# recursive).  Sourced by run.sh (which defines ok, bad, same, expect_error,
# $T, $TD and $FG).

# stk_norm < FOLDED: the corpus's comparison (testdata/README.md,
# "stacks"): identical stacks summed, zero totals dropped, sorted; counts
# to six decimals at most.  The references print one line per record, not
# sorted; fg-collapse sums and sorts.
stk_norm() {
	perl -e 'my %s;
		while (<STDIN>) { chomp; next unless /^(.*) (-?[0-9.]+)$/; $s{$1} += $2 }
		for my $k (sort keys %s) { next if $s{$k} == 0;
			my $v = sprintf("%.6f", $s{$k}); $v =~ s/\.?0+$//; print "$k $v\n" }'
}

# stk_opts OPTS: the reference's arguments as fg-collapse's options.
stk_opts() {
	case $1 in
	-) ;;
	MODULES=0) echo --no-modules ;;
	*) echo "$1" ;;
	esac
}

# Every case of testdata/stacks/stacks.tsv: named, detected, and "auto".
# Where fg-collapse fixes a reference bug, CASE.OPTS.fixed.folded is what
# it is to write instead (testdata/README.md says how each was made).
test_stacks_corpus() {
	local case fmt input opts exp o in fixed st
	while IFS=$'\t' read -r case fmt input opts exp; do
		[ "$case" = case ] && continue
		o=$(stk_opts "$opts")
		in=$TD/stacks/$input
		fixed=$TD/stacks/${exp%.folded}.fixed.folded
		[ -f "$fixed" ] && exp=${fixed#$TD/stacks/}
		stk_norm < "$TD/stacks/$exp" > "$T/exp"
		# shellcheck disable=SC2086
		"$FG" "$fmt" $o "$in" > "$T/named" 2> "$T/err"
		st=$?
		stk_norm < "$T/named" > "$T/out"
		if [ "$st" -ne 0 ] || grep -q 'AddressSanitizer\|runtime error' "$T/err"; then
			bad "stacks/$case" "status $st: $(head -2 "$T/err")"
		else
			same "stacks/$case" "$T/exp" "$T/out"
		fi
		# recursive reads folded stacks: named, never detected
		[ "$fmt" = recursive ] && continue
		# shellcheck disable=SC2086
		"$FG" $o "$in" > "$T/out" 2> "$T/err"
		same "stacks/$case/detected" "$T/named" "$T/out"
		# shellcheck disable=SC2086
		"$FG" auto $o "$in" > "$T/out" 2> "$T/err"
		same "stacks/$case/auto" "$T/named" "$T/out"
	done < "$TD/stacks/stacks.tsv"
}

# The same inputs through stdin, gzipped, and drawn: fg-svg takes them.
test_stacks_io() {
	local in=$TD/stacks/dtrace/inferno-rust-names.txt
	"$FG" dtrace "$in" > "$T/exp" 2> /dev/null
	"$FG" auto < "$in" > "$T/out" 2> "$T/err"
	same "stacks/io/stdin-detected" "$T/exp" "$T/out"
	gzip -c "$in" > "$T/in.gz"
	"$FG" "$T/in.gz" > "$T/out" 2> "$T/err"
	same "stacks/io/gzip" "$T/exp" "$T/out"
	"$SVG" "$in" > "$T/out.svg" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q 'thread_start' "$T/out.svg"; then
		ok "stacks/io/svg"
	else
		bad "stacks/io/svg" "$(head -2 "$T/err")"
	fi
}

# Bad input: one line naming the input and line, status 1.
test_stacks_errors() {
	# dtrace: a stack that no count closes, a count past 2^64
	printf 'CPU ID FUNCTION:NAME\n  0 1 :tick-1s\n\n  a`f+0x1\n  a`g+0x2\n    3\n\n  a`f+0x1\n' > "$T/cut.dtrace"
	expect_error "stacks/errors/dtrace-cut" 1 'cut.dtrace:8: the stack from line 8 has no count line' -- \
		"$FG" dtrace "$T/cut.dtrace"
	printf '  a`f+0x1\n  99999999999999999999\n' > "$T/big.dtrace"
	expect_error "stacks/errors/dtrace-count-overflow" 1 'big.dtrace:2: count too large' -- \
		"$FG" dtrace "$T/big.dtrace"
	printf '  a`f+0x1\n  3\nnot indented\n' > "$T/odd.dtrace"
	expect_error "stacks/errors/dtrace-odd-line" 1 'odd.dtrace:3: not a frame or a count: "not indented"' -- \
		"$FG" dtrace "$T/odd.dtrace"
	# A sum past 2^64 is an error, not a wrap.
	printf '  a`f\n  18446744073709551615\n  a`f\n  1\n' > "$T/wrap.dtrace"
	expect_error "stacks/errors/dtrace-sum-overflow" 1 'wrap.dtrace:4: count overflow' -- \
		"$FG" dtrace "$T/wrap.dtrace"
	printf 'Attaching 1 probe...\n\n@[\n    f+1\n    g+2\n' > "$T/cut.bt"
	expect_error "stacks/errors/bpftrace-cut" 1 'cut.bt:5: the map entry from line 3 has no closing' -- \
		"$FG" bpftrace "$T/cut.bt"
	printf '@[\n    f+1\n]: 123456789012345678901\n' > "$T/big.bt"
	expect_error "stacks/errors/bpftrace-count-overflow" 1 'big.bt:3: count too large' -- \
		"$FG" bpftrace "$T/big.bt"
	printf '@x[1, 2]:\n[0, 1)  3 |@@@@|\n' > "$T/hist.bt"
	expect_error "stacks/errors/bpftrace-not-counts" 1 'hist.bt:1: not a map entry of counts' -- \
		"$FG" bpftrace "$T/hist.bt"
	printf ' 0xffffffff8103ce4b : f+0xb/0x10 [kernel]\n' > "$T/nocount.stap"
	expect_error "stacks/errors/stap-no-count" 1 'nocount.stap:1: not SystemTap stacks \(frame lines, but no count line\)' -- \
		"$FG" stap "$T/nocount.stap"
}

# The format rules the corpus does not show: stackcollapse.pl's C++ and
# inline rules, a header-less dtrace file, an empty stack.
test_stacks_edges() {
	printf '  m`ns::Cls<T>::run(int, char)+0x10\n  m`a->b->Lc;d+0x2\n  m`plain(int)+0x1\n  4\n\n    7\n' > "$T/e.dtrace"
	printf '[unknown] 7\nm`plain(int);m`a;b_[i];c:d_[i];m`ns::Cls<T>::run 4\n' > "$T/exp"
	"$FG" dtrace "$T/e.dtrace" > "$T/out" 2> "$T/err"
	same "stacks/edges/dtrace-rules" "$T/exp" "$T/out"
	# No header: the first frames are frames (the reference skips 3 lines).
	printf '  a`leaf+0x1\n  a`mid+0x2\n  a`root+0x3\n  a`top+0x4\n  2\n' > "$T/nohdr.dtrace"
	"$FG" "$T/nohdr.dtrace" > "$T/out" 2> "$T/err"
	[ "$(cat "$T/out")" = 'a`top;a`root;a`mid;a`leaf 2' ] && ok "stacks/edges/dtrace-no-header" ||
		bad "stacks/edges/dtrace-no-header" "$(cat "$T/out" "$T/err")"
}

# bpftrace: named maps, one-line entries, an empty stack, keys split.
test_stacks_bpftrace() {
	printf 'Attaching 2 probes...\n@stacks[\n    leaf+1\n    root+2\n, \n    kleaf+3\n, , comm x]: 4\n@[]: 5\n@[cc]: 6\nprintf output\n' > "$T/e.bt"
	printf '[unknown] 5\ncc 6\ncomm x;kleaf+3;root+2;leaf+1 4\n' > "$T/exp"
	"$FG" "$T/e.bt" > "$T/out" 2> "$T/err"
	same "stacks/bpftrace/keys-and-empty" "$T/exp" "$T/out"
}

# gdb: names with blanks and templates, the signal frame, a Thread line
# right after a backtrace, a wrapped frame line; elfutils: -v's markers,
# frames without a name, --pid --tid.
test_stacks_pmp() {
	cat > "$T/e.gdb" <<-'EOF'
	Thread 2 (Thread 0x7f0 (LWP 11) "prog"):
	#0  0x00007f01 in std::vector<int, std::allocator<int> >::push_back (this=0x1, __x=@0x2: 3) at vector.h:12
	#1  <signal handler called>
	#2  0x00007f03 in std::ostream& operator<< <std::char_traits<char> > (out=...) at ostream:611
	#3  0x00007f04 in std::function<void (int)>::operator() (this=0x3, __args#0=1) at std_function.h:591
	#4  0x00007f05 in main () at prog.cc:9
	Thread 1 (Thread 0x7f1 (LWP 10) "prog"):
	#0  0x00007f06 in ?? () from /lib/x86_64-linux-gnu/libc.so.6
	#1  0x00007f07 in really_long_function_name (argument_one=1, argument_two=2)
	    at prog.cc:40
	#2  0x00007f05 in main () at prog.cc:9
	EOF
	printf '%s\n' 'main;really_long_function_name;?? 1' \
		'main;std::function<void (int)>::operator();std::ostream& operator<< <std::char_traits<char> >;<signal handler called>;std::vector<int, std::allocator<int> >::push_back 1' > "$T/exp"
	"$FG" "$T/e.gdb" > "$T/out" 2> "$T/err"
	same "stacks/gdb/names" "$T/exp" "$T/out"
	printf 'PID 7 - process\nTID 7:\n#0  0x0000000000401000     leaf - /bin/p\n#1  0x0000000000401001 - 1 main - /bin/p\n#2  0x0000000000401002 - 1\nTID 8:\n#0  0x0000000000401003\n' > "$T/e.eu"
	printf '%s\n' 'PID=7;TID=7;[unknown];main - /bin/p;leaf - /bin/p 1' 'PID=7;TID=8;[unknown] 1' > "$T/exp"
	"$FG" --pid --tid "$T/e.eu" > "$T/out" 2> "$T/err"
	same "stacks/elfutils/verbose-pid-tid" "$T/exp" "$T/out"
	expect_error "stacks/elfutils/gdb-refuses-eu" 1 'e.eu:3: not gdb backtraces' -- "$FG" gdb "$T/e.eu"
	expect_error "stacks/elfutils/eu-refuses-gdb" 1 'e.gdb:1: not eu-stack output' -- "$FG" elfutils "$T/e.gdb"
}

# recursive: runs of one frame merged, mutual recursion kept, decimal
# counts summed; input order kept for flame charts.
test_stacks_recursive() {
	printf 'main;f;f;f;g 1\nmain;a;b;a;b 2\nmain;f;g 0.5\n# c\n\nx;x 3\n' > "$T/r.folded"
	printf 'main;a;b;a;b 2\nmain;f;g 1.5\nx 3\n' > "$T/exp"
	"$FG" recursive "$T/r.folded" > "$T/out" 2> "$T/err"
	same "stacks/recursive/rules" "$T/exp" "$T/out"
	"$FG" "$T/r.folded" > "$T/out" 2> "$T/err"
	grep -q '^main;f;f;f;g 1$' "$T/out" && ok "stacks/recursive/not-detected" ||
		bad "stacks/recursive/not-detected" "$(cat "$T/out")"
	expect_error "stacks/recursive/refuses-dtrace" 1 'inferno-rust-names.txt:1: not folded stacks.*it looks like text \(DTrace stacks: fg-collapse dtrace' -- \
		"$FG" recursive "$TD/stacks/dtrace/inferno-rust-names.txt"
}

# vtune and vsprof: quoted names with commas, self times in exact
# milliseconds, the tree turning back; a depth that jumps is an error.
test_stacks_csv() {
	printf 'Function Stack,CPU Time:Self,Module\nTotal,0.0,[Unknown]\n main,0.0015,app\n  "f(int, char)",0.25,app\n  g,1.0004,libg.so\n' > "$T/e.vtune"
	printf '%s\n' '[Unknown]!Total;app!main 1.5' '[Unknown]!Total;app!main;app!f(int, char) 250' \
		'[Unknown]!Total;app!main;libg.so!g 1000.4' > "$T/exp"
	"$FG" "$T/e.vtune" > "$T/out" 2> "$T/err"
	same "stacks/vtune/names-and-times" "$T/exp" "$T/out"
	"$SVG" "$T/e.vtune" > "$T/v.svg" 2> "$T/err"
	grep -q '>all (1\.25s, 100%)<' "$T/v.svg" && ok "stacks/vtune/unit-milliseconds" ||
		bad "stacks/vtune/unit-milliseconds" "$(grep -o 'all ([^)]*)' "$T/v.svg" | head -1)" "$(head -2 "$T/err")"
	printf 'Function Stack,CPU Time:Self,Module\nTotal,0.0,x\n   deep,1.0,x\n' > "$T/jump.vtune"
	expect_error "stacks/vtune/depth-jump" 1 'jump.vtune:3: deeper than the line before by more than one' -- \
		"$FG" vtune "$T/jump.vtune"
	printf 'Function Stack,CPU Time:Self,Module\nno numbers here\n' > "$T/bad.vtune"
	expect_error "stacks/vtune/bad-line" 1 'bad.vtune:2: not "FUNCTION,SECONDS,MODULE"' -- \
		"$FG" vtune "$T/bad.vtune"
	printf '\357\273\277Level,Function Name,Number of Calls,Module Name,\n0,"p.exe",0,"",\n1,"main()",1,"p.exe",\n2,"a(int, int)","1,000",x,\n2,b,7,x,\n1,c,3,x,\n' > "$T/e.vsprof"
	printf '%s\n' 'c 3' 'main();a(int,int) 1000' 'main();b 7' > "$T/exp"
	"$FG" "$T/e.vsprof" > "$T/out" 2> "$T/err"
	same "stacks/vsprof/tree" "$T/exp" "$T/out"
	printf 'Level,Function Name,Number of Calls,\n1,a,1,\n3,b,1,\n' > "$T/jump.vsprof"
	expect_error "stacks/vsprof/level-jump" 1 'jump.vsprof:3: deeper than the line before by more than one' -- \
		"$FG" vsprof "$T/jump.vsprof"
	expect_error "stacks/vsprof/refuses-vtune" 1 'e.vtune:1: not Visual Studio call tree CSV \(no "Level," header' -- \
		"$FG" vsprof "$T/e.vtune"
}

# sample: whole names (Objective-C, C++ arguments), an idle leaf dropping
# the levels popped with it, a call graph cut short.
test_stacks_sample() {
	local in=$TD/stacks/sample/edges.txt
	printf '%s\n' 'Thread_1.DispatchQueue_1:;libdyld`start;XUL`XRE_InitChildProcess(int, char**, XREChildData const*) 3' \
		'Thread_1.DispatchQueue_1:;libdyld`start;XUL`XRE_InitChildProcess(int, char**, XREChildData const*);<unknown binary>`??? 1' > "$T/exp"
	"$FG" "$in" > "$T/out" 2> "$T/err"
	same "stacks/sample/names-and-idle" "$T/exp" "$T/out"
	"$FG" sample --no-modules "$in" > "$T/out" 2> "$T/err"
	grep -q '^Thread_1.DispatchQueue_1:;start;XRE_InitChildProcess(int, char\*\*, XREChildData const\*) 3$' "$T/out" &&
		ok "stacks/sample/no-modules" || bad "stacks/sample/no-modules" "$(cat "$T/out" "$T/err")"
	head -8 "$in" > "$T/cut.sample"
	expect_error "stacks/sample/cut" 1 'cut.sample:8: the call graph has no end' -- "$FG" sample "$T/cut.sample"
}

# Each reader refuses the others' inputs, and folded stacks.
test_stacks_refuse() {
	local fmt other case input
	for fmt in $(cut -f2 "$TD/stacks/stacks.tsv" | sed 1d | sort -u); do
		while IFS=$'\t' read -r case other input _ _; do
			[ "$case" = case ] || [ "$other" = "$fmt" ] && continue
			# the recursive reader reads folded stacks, which every
			# other reader refuses
			refuse "stacks/refuse/$fmt/$case" "$fmt" "$TD/stacks/$input"
		done < <(awk -F'\t' '!seen[$2]++' "$TD/stacks/stacks.tsv")
	done
}
