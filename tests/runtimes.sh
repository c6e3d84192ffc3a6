# runtimes.sh - the readers of runtime stack dumps (formats/runtime/ and
# formats/perf/perf_sched.c): every case of testdata/stacks/runtimes.tsv,
# named and detected, and bad input.  Sourced by run.sh (which defines ok,
# bad, same, expect_error, $T, $TD and the command variables).

# Every case equals its expected output: the reference collapser's, or
# where the reference has a bug, the fixed one's (testdata/README.md).
test_runtimes_corpus() {
	local case fmt input opts exp o auto
	while IFS=$'\t' read -r case fmt input opts exp; do
		[ "$case" = case ] && continue
		o=
		[ "$opts" != - ] && o=$opts
		"$FG" $fmt $o "$TD/stacks/$input" > "$T/out" 2> "$T/err"
		same "runtimes/$case" "$TD/stacks/$exp" "$T/out"
		# Detected by content, except where another reader reads it
		# (perf-sched's input is perf script output).
		case $fmt in perf-sched) auto=0 ;; *) auto=1 ;; esac
		[ $auto = 1 ] || continue
		"$FG" -v $o "$TD/stacks/$input" > "$T/out" 2> "$T/err"
		same "runtimes/$case/detected" "$TD/stacks/$exp" "$T/out"
		if ! grep -q "$(basename "$input"): " "$T/err"; then
			bad "runtimes/$case/verbose" "$(head -2 "$T/err")"
		fi
	done < "$TD/stacks/runtimes.tsv"
}

# The inputs, one per format, for the tests below.
runtime_inputs() {
	printf '%s\n' \
		"jstack $TD/stacks/jstack/jstack-work.txt" \
		"java-exceptions $TD/stacks/java-exceptions/jex-printstacktrace.txt" \
		"go $TD/stacks/go/go-cpu-labels.txt" \
		"faulthandler $TD/stacks/faulthandler/fh-py311-dump-later.txt" \
		"chrome-tracing $TD/stacks/chrome-tracing/node-trace-events-fs.txt"
}

# Every command reads them (the same frames as of the folded stacks), from
# gzip and stdin too.
test_runtimes_commands() {
	local fmt in name
	while read -r fmt in; do
		name=$fmt
		"$FG" $fmt "$in" > "$T/ref.folded" 2> /dev/null
		"$SVG" -q "$in" > "$T/direct.svg" 2> "$T/err"
		"$SVG" -q "$T/ref.folded" > "$T/ref.svg" 2> /dev/null
		if $SVGF --compare "$T/ref.svg" "$T/direct.svg" > "$T/cmp" 2>&1; then
			ok "runtimes/$name/svg"
		else
			bad "runtimes/$name/svg" "$(head -3 "$T/cmp")" "$(head -2 "$T/err")"
		fi
		gzip -c "$in" > "$T/in.gz"
		"$FG" "$T/in.gz" > "$T/out" 2> "$T/err"
		same "runtimes/$name/gzip" "$T/ref.folded" "$T/out"
		"$FG" $fmt < "$in" > "$T/out" 2> "$T/err"
		same "runtimes/$name/stdin" "$T/ref.folded" "$T/out"
		"$TOP" -q "$in" > "$T/out" 2> "$T/err"
		[ $? -eq 0 ] && [ -s "$T/out" ] && ok "runtimes/$name/top" ||
			bad "runtimes/$name/top" "$(head -2 "$T/err")"
	done < <(runtime_inputs)
}

# Each runtime reader, named, refuses every other format: one line naming
# the input, exit 1, no output.
test_runtimes_refuse() {
	local fmt in other oin
	random_bytes 4096 "$T/random.bin"
	cp LICENSE "$T/prose.txt"
	gzip -dc "$TD/perf/recorded/c-callstruct.perf.txt.gz" > "$T/script.perf"
	while read -r fmt in; do
		for oin in "$T/random.bin" "$T/prose.txt" "$T/script.perf" \
			   "$TD/svg/callstruct-default.folded" "$TD/pprof/go-cpu-basic.pb.gz"; do
			refuse "runtimes/refuse/$fmt/$(basename "$oin")" $fmt "$oin"
		done
		while read -r other oin; do
			[ "$other" = "$fmt" ] && continue
			refuse "runtimes/refuse/$fmt/$other" $fmt "$oin"
		done < <(runtime_inputs)
		# and the other readers refuse this one
		for other in perf folded pprof gperf; do
			refuse "runtimes/refuse/$other/$fmt" $other "$in"
		done
	done < <(runtime_inputs)
	expect_error "runtimes/refuse/message" 1 \
		"script.perf: not a Java thread dump .*it looks like text \(perf script output: fg-collapse perf" -- \
		"$FG" jstack "$T/script.perf"
}

# Bad and edge input: one line naming input and line, exit 1, no crash;
# and the reference bugs this fixes.
test_runtimes_errors() {
	local G=$TD/stacks/go/go-cpu-labels.txt
	# go: cut before its Locations, or before its Samples
	head -40 "$G" > "$T/cut.txt"
	expect_error "runtimes/go/cut-before-locations" 1 "cut.txt:40: no \"Locations\" section" -- \
		"$FG" go "$T/cut.txt"
	head -3 "$G" > "$T/cut.txt"
	expect_error "runtimes/go/cut-before-samples" 1 "cut.txt:3: no \"Samples:\" section" -- \
		"$FG" go "$T/cut.txt"
	printf 'PeriodType: cpu nanoseconds\nSamples:\nsamples/count\n 99999999999999999999 1: 1\nLocations\n' > "$T/big.txt"
	expect_error "runtimes/go/count-overflow" 1 "big.txt:4: count overflow" -- "$FG" go "$T/big.txt"
	# go: a goroutine profile's single values are counts (the reference
	# reads "12: 1 2 3 4" as 1), and inlined calls are frames
	"$FG" go "$TD/stacks/go/go-goroutine.txt" > "$T/out" 2> "$T/err"
	grep -qx 'main.main.func6;runtime.chanrecv1;runtime.chanrecv;runtime.gopark 12' "$T/out" &&
		ok "runtimes/go/goroutine-counts" || bad "runtimes/go/goroutine-counts" "$(head -3 "$T/out")"
	grep -q ';main.contend;sync.(\*Mutex).Unlock 715$' < <("$FG" go "$TD/stacks/go/go-mutex.txt") &&
		ok "runtimes/go/inlined-frames" || bad "runtimes/go/inlined-frames"
	# faulthandler: a register() dump's current thread, which no blank
	# line closes, counts (the reference loses it)
	"$FG" faulthandler "$TD/stacks/faulthandler/fh-register.txt" > "$T/out" 2> "$T/err"
	if grep -q 'main 12$' "$T/out" && grep -q 'main 1$' "$TD/stacks/faulthandler/fh-register.reference.folded"; then
		ok "runtimes/faulthandler/last-dump-kept"
	else
		bad "runtimes/faulthandler/last-dump-kept" "$(grep main "$T/out")"
	fi
	# java-exceptions and jstack: default-package classes keep their
	# names under --no-pkgs and --shorten-pkgs (the reference empties them)
	"$FG" java-exceptions --no-pkgs "$TD/stacks/java-exceptions/jex-printstacktrace.txt" > "$T/out" 2> "$T/err"
	if ! grep -q '^;\|;;\|^ ' "$T/out" && grep -q '^ExcLog.main;ExcLog.handle;' "$T/out"; then
		ok "runtimes/java-exceptions/no-empty-names"
	else
		bad "runtimes/java-exceptions/no-empty-names" "$(head -3 "$T/out")"
	fi
	"$FG" jstack --shorten-pkgs "$TD/stacks/jstack/jstack-work.txt" > "$T/out" 2> "$T/err"
	if ! grep -q ';;' "$T/out" && grep -q ';JStackWork\$\$Lambda\$12/0x00007f8308001ab0.run;' "$T/out"; then
		ok "runtimes/jstack/no-empty-names"
	else
		bad "runtimes/jstack/no-empty-names" "$(head -3 "$T/out")"
	fi
	# jstack: a last thread without its closing blank line counts
	printf '"worker-1" #12 prio=5 os_prio=0 tid=0x1 nid=0x2 runnable\n   java.lang.Thread.State: RUNNABLE\n\tat a.B.c(B.java:1)\n\tat a.B.main(B.java:2)\n' > "$T/last.txt"
	[ "$("$FG" jstack "$T/last.txt" 2> "$T/err")" = "worker;a.B.main;a.B.c 1" ] &&
		ok "runtimes/jstack/last-thread" || bad "runtimes/jstack/last-thread" "$(cat "$T/err")"
	# NUL bytes and over-long lines: one line naming input and line
	printf '"t" #1 prio=5 nid=0x1\n   java.lang.Thread.State: RUNNABLE\n\tat a\0b\n' > "$T/nul.txt"
	expect_error "runtimes/jstack/nul" 1 "nul.txt:3: " -- "$FG" jstack "$T/nul.txt"
	{ echo 'Thread 0x00007f (most recent call first):'; printf '  File "%02000d", line 1 in f\n' 0; } > "$T/long.txt"
	expect_error "runtimes/faulthandler/long-line" 1 "long.txt:2: line too long" -- \
		"$FG" faulthandler --max-line=1K "$T/long.txt"
	# empty input: no samples, status 0
	: > "$T/empty.txt"
	for fmt in jstack java-exceptions go faulthandler chrome-tracing; do
		"$FG" $fmt "$T/empty.txt" > "$T/out" 2> "$T/err"
		[ $? -eq 0 ] && [ ! -s "$T/out" ] && grep -q 'no samples' "$T/err" &&
			ok "runtimes/$fmt/empty" || bad "runtimes/$fmt/empty" "$(cat "$T/err")"
	done
	# chrome-tracing: a parent and a child that start in the same
	# microsecond nest parent first, whatever their order in the file (the
	# reference nests them by file order: negative self times)
	printf '{"traceEvents":[{"ph":"X","pid":1,"tid":1,"ts":10,"dur":5,"name":"child"},\n{"ph":"X","pid":1,"tid":1,"ts":10,"dur":20,"name":"parent"},\n{"ph":"X","pid":1,"tid":2,"ts":10,"dur":3,"name":"other"},\n{"ph":"B","pid":1,"tid":1,"ts":11,"name":"ignored"}]}\n' > "$T/eq.json"
	"$FG" "$T/eq.json" > "$T/out" 2> "$T/err"
	[ "$(tr '\n' ' ' < "$T/out")" = "other 3 parent 15 parent;child 5 " ] &&
		ok "runtimes/chrome-tracing/equal-start" || bad "runtimes/chrome-tracing/equal-start" "$(cat "$T/out" "$T/err")"
	"$FG" chrome-tracing "$TD/stacks/chrome-tracing/clang-time-trace-templates.txt" > "$T/out" 2> "$T/err"
	if ! grep -q ' -' "$T/out" && grep -q ' -' "$TD/stacks/chrome-tracing/clang-time-trace-templates.default.folded"; then
		ok "runtimes/chrome-tracing/no-negative-self"
	else
		bad "runtimes/chrome-tracing/no-negative-self" "$(grep -m2 ' -' "$T/out")"
	fi
	# the bare array form, fractional microseconds, numbers as strings
	printf '[{"ph":"X","pid":"7","tid":7,"ts":"1.5","dur":2.25,"name":"a"},{"ph":"X","pid":7,"tid":7,"ts":2,"dur":1,"name":"b"}]' > "$T/arr.json"
	[ "$("$FG" "$T/arr.json" 2> "$T/err" | tr '\n' ' ')" = "a 1.25 a;b 1 " ] &&
		ok "runtimes/chrome-tracing/array-fractional" || bad "runtimes/chrome-tracing/array-fractional" "$("$FG" "$T/arr.json" 2>&1)"
	# no complete events at all (found by fuzz_runtimes): no samples
	printf '[{"ph":"B","pid":1,"tid":1,"ts":1,"name":"a"}]\n' > "$T/none.json"
	"$FG" chrome-tracing "$T/none.json" > "$T/out" 2> "$T/err"
	[ $? -eq 0 ] && [ ! -s "$T/out" ] && grep -q 'none.json: no samples' "$T/err" &&
		ok "runtimes/chrome-tracing/no-complete-events" ||
		bad "runtimes/chrome-tracing/no-complete-events" "$(cat "$T/err")"
	# cut, broken and other JSON: one line naming input and line; JSON
	# that is no trace is refused
	head -c 70000 "$TD/stacks/chrome-tracing/node-trace-events-fs.txt" > "$T/cut.json"
	expect_error "runtimes/chrome-tracing/truncated" 1 "cut.json:1: truncated JSON" -- \
		"$FG" chrome-tracing "$T/cut.json"
	printf '{"traceEvents": [\n{"ph": "X",,}]}\n' > "$T/bad.json"
	expect_error "runtimes/chrome-tracing/bad-json" 1 "bad.json:2: invalid JSON \(" -- \
		"$FG" chrome-tracing "$T/bad.json"
	printf '{"other": []}\n' > "$T/other.json"
	expect_error "runtimes/chrome-tracing/no-trace-events" 1 "other.json: not Chrome trace-event JSON \(no \"traceEvents\" array\)" -- \
		"$FG" chrome-tracing "$T/other.json"
	printf '{"traceEvents": []} x\n' > "$T/more.json"
	expect_error "runtimes/chrome-tracing/trailing" 1 "more.json:1: invalid JSON \(more after" -- \
		"$FG" chrome-tracing "$T/more.json"
	awk 'BEGIN { for (i = 0; i < 200; i++) printf "["; for (i = 0; i < 200; i++) printf "]"; print "" }' > "$T/deep.json"
	expect_error "runtimes/chrome-tracing/deep" 1 "deep.json:1: invalid JSON \(nesting too deep" -- \
		"$FG" chrome-tracing "$T/deep.json"
}

# perf-sched: named only (detected, its input is perf script output), its
# options, and the waker's chain only when it was woken after the task
# slept (the reference compares with a variable it never sets).
test_runtimes_perf_sched() {
	local in=$TD/stacks/perf-sched/schedwork-derived.txt.gz
	"$FG" -v "$in" > /dev/null 2> "$T/err"
	grep -q 'schedwork-derived.txt.gz: perf script output' "$T/err" &&
		ok "runtimes/perf-sched/auto-is-perf" || bad "runtimes/perf-sched/auto-is-perf" "$(cat "$T/err")"
	cp LICENSE "$T/prose.txt"
	refuse "runtimes/refuse/perf-sched/prose" perf-sched "$T/prose.txt"
	refuse "runtimes/refuse/perf-sched/folded" perf-sched "$TD/svg/callstruct-default.folded"
	refuse "runtimes/refuse/perf-sched/jstack" perf-sched "$TD/stacks/jstack/jstack-work.txt"
	expect_error "runtimes/perf-sched/option-of-perf" 2 "unrecognized option '--tid'" -- \
		"$FG" perf-sched --tid "$in"
	cat > "$T/sched.txt" <<'PERF'
c 30 [000] 1.000000000: sched:sched_switch: prev_comm=b prev_pid=20 prev_prio=120 prev_state=S ==> next_comm=x next_pid=0 next_prio=120
	ffffffff81000001 b_sleep+0x1 ([kernel.kallsyms])
	            1000 b_main+0x5 (/bin/b)

c 30 [000] 1.500000000: sched:sched_stat_sleep: comm=b pid=20 delay=500000 [ns]
	ffffffff81000002 c_wake+0x1 ([kernel.kallsyms])

c 30 [000] 2.000000000: sched:sched_switch: prev_comm=a prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=x next_pid=0 next_prio=120
	ffffffff81000003 a_sleep+0x1 ([kernel.kallsyms])

b 20 [000] 3.000000000: sched:sched_stat_sleep: comm=a pid=10 delay=1000999 [ns]
	ffffffff81000004 b_wake+0x1 ([kernel.kallsyms])

PERF
	"$FG" perf-sched --recurse "$T/sched.txt" > "$T/out" 2> "$T/err"
	printf '%s\n' 'a;a_sleep+0x1;b_wake+0x1;b 1000' 'b;b_main+0x5;b_sleep+0x1;c_wake+0x1;c 500' > "$T/exp"
	same "runtimes/perf-sched/recurse-only-after-switch" "$T/exp" "$T/out"
	"$FG" perf-sched --record-tid "$T/sched.txt" > "$T/out" 2> "$T/err"
	printf '%s\n' 'a-10;a_sleep+0x1 1000' 'b-20;b_main+0x5;b_sleep+0x1 500' > "$T/exp"
	same "runtimes/perf-sched/record-tid" "$T/exp" "$T/out"
	# a switch recorded without a call chain (found by fuzz_runtimes)
	printf '%s\n' 'a 10 [000] 1.0: sched:sched_switch: prev_comm=a prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=x next_pid=0' '' \
		'b 20 [000] 2.0: sched:sched_stat_sleep: comm=a pid=10 delay=2000000 [ns]' '' > "$T/noframes.txt"
	[ "$("$FG" perf-sched "$T/noframes.txt" 2> "$T/err")" = "a 2000" ] &&
		ok "runtimes/perf-sched/switch-without-frames" ||
		bad "runtimes/perf-sched/switch-without-frames" "$(cat "$T/err")"
	# a truncated input: one line naming input and line
	{ head -2 "$T/sched.txt"; sed -n 3p "$T/sched.txt" | head -c 30; } > "$T/cut.txt"
	expect_error "runtimes/perf-sched/truncated" 1 "cut.txt:3: truncated input" -- \
		"$FG" perf-sched "$T/cut.txt"
}
