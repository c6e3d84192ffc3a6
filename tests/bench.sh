#!/bin/sh
# bench.sh - what `make bench` prints: input throughput (MiB/s) and peak
# RSS of each filter on large generated inputs, best and median of several
# runs on a warm page cache, one core (the tools are single-threaded).
set -eu
cd "$(dirname "$0")/.."
B=build/bench
M=build/tests/measure
RUNS=${RUNS:-5}
mkdir -p $B

if [ ! -s $B/base.perf ]; then
	echo "unpacking testdata/bench/base.perf.xz (a real 25 s system-wide recording)"
	xz -dc testdata/bench/base.perf.xz > $B/base.perf.tmp
	mv $B/base.perf.tmp $B/base.perf
fi
if [ ! -s $B/big.perf ]; then
	echo "generating $B/big.perf: 4 copies with shifted pids"
	${CC:-cc} -O2 -o $B/bench_gen tests/bench_gen.c
	$B/bench_gen 4 < $B/base.perf > $B/big.perf.tmp
	mv $B/big.perf.tmp $B/big.perf
fi
${CC:-cc} -O2 -o $B/bench_scan tests/bench_scan.c
if [ ! -s $B/big.folded ] || [ $B/big.folded -ot bin/fg-collapse ]; then
	# a large folded file: every thread of every copy distinct
	bin/fg-collapse perf --tid --all -o $B/big.folded $B/big.perf
fi

# trow LABEL SECONDS BEST MEDIAN RSS_KB (measure's output): a row with the
# time too, which is kept in last_s.
trow() {
	label=$1
	shift
	last_s=$1
	printf '%-34s %6s MiB/s (median %5s)  peak RSS %6.1f MiB  %4.0f ms%s\n' \
		"$label" "$3" "$4" "$(awk -v k="$5" 'BEGIN { print k / 1024 }')" \
		"$(awk -v t="$1" 'BEGIN { print t * 1000 }')" "$(share "$3")"
}

# share MIBS: " 0.21 of baseline", the row's MiB/s over the read+memchr
# baseline's of the same run, so that numbers of different machines compare.
base_mibs=
share() {
	[ -n "$base_mibs" ] && awk -v a="$1" -v b="$base_mibs" 'BEGIN { printf "  %.3f of baseline", a / b }'
}

mib() { awk -v b="$(wc -c < "$1")" 'BEGIN { printf "%.0f", b / 1048576 }'; }

# row LABEL INPUT CMD...: one line of the table (BYTES, if set, is the
# uncompressed size the MiB/s are counted on)
row() {
	label=$1 input=$2
	shift 2
	cat "$input" > /dev/null	# warm the page cache
	set -- $($M -n "$RUNS" -i "$input" ${BYTES:+-b "$BYTES"} -- "$@")
	printf '%-34s %6s MiB/s (median %5s)  peak RSS %6.1f MiB%s\n' \
		"$label" "$3" "$4" "$(awk -v k="$5" 'BEGIN { print k / 1024 }')" "$(share "$3")"
	[ -n "$base_mibs" ] || base_mibs=$3
	eval "rss_$(echo "$label" | tr -c 'a-zA-Z0-9\n' _)=$5"
}

echo
echo "fgkit bench: $(mib $B/big.perf) MiB perf script input ($B/big.perf), best of $RUNS runs"
echo "(for scale: stackcollapse-perf.pl does about 22 MiB/s on this machine kind, inferno"
echo " publishes ~190 MiB/s a core; the baseline row is the floor of any line parser)"
echo
row "baseline: read + memchr per line" $B/big.perf $B/bench_scan
row "fg-collapse perf" $B/big.perf bin/fg-collapse perf
row "fg-collapse perf --tid --all" $B/big.perf bin/fg-collapse perf --tid --all
row "fg-collapse perf (1/4 of the input)" $B/base.perf bin/fg-collapse perf
gzip -1 -c $B/base.perf > $B/base.perf.gz
BYTES=$(wc -c < $B/base.perf) row "fg-collapse perf, gzip input (1/4)" $B/base.perf.gz bin/fg-collapse perf
row "fg-collapse folded (read+write)" $B/big.folded bin/fg-collapse folded

# fg-svg: the folded profile of the real recording (~22,000 stacks), and
# a million distinct stacks.
bin/fg-collapse perf -o $B/base.folded $B/base.perf
if [ ! -s $B/million.folded ]; then
	awk 'BEGIN { srand(7); for (i = 0; i < 1000000; i++)
		printf "app;main;mod%d;func%d;leaf%d %d\n", i % 97, i % 9973, i, 1 + int(rand() * 100) }' \
		> $B/million.folded
fi
echo
echo "fg-svg: $(mib $B/base.folded) MiB folded, $(wc -l < $B/base.folded) stacks;" \
     "$(mib $B/million.folded) MiB, $(wc -l < $B/million.folded) stacks"
echo "(for scale: flamegraph.pl does about 8 MiB/s on the first, inferno publishes ~38 MiB/s)"
row "fg-svg (real profile)" $B/base.folded bin/fg-svg
row "fg-svg -f png (real profile)" $B/base.folded bin/fg-svg -f png
row "fg-svg (1,000,000 stacks)" $B/million.folded bin/fg-svg

# fg-diff: a real before/after pair, the folded profiles of two recordings
# of changed workloads; MiB/s are of both inputs together.
if [ ! -s $B/b.perf ]; then
	echo "unpacking testdata/bench/b.perf.xz (a second, changed recording)"
	xz -dc testdata/bench/b.perf.xz > $B/b.perf.tmp
	mv $B/b.perf.tmp $B/b.perf
fi
bin/fg-collapse perf -o $B/b.folded $B/b.perf
cat $B/base.folded $B/b.folded > $B/pair.folded
echo
echo "fg-diff: $(mib $B/base.folded) + $(mib $B/b.folded) MiB folded," \
     "$(wc -l < $B/base.folded) + $(wc -l < $B/b.folded) stacks"
echo "(for scale: difffolded.pl does about 44 MiB/s on this pair)"
row "fg-diff (difffolded.pl output)" $B/pair.folded bin/fg-diff $B/base.folded $B/b.folded
row "fg-diff -n -s" $B/pair.folded bin/fg-diff -n -s $B/base.folded $B/b.folded
row "fg-diff --report" $B/pair.folded bin/fg-diff --report $B/base.folded $B/b.folded
row "fg-diff --fail-above=20 (gate)" $B/pair.folded bin/fg-diff -q --fail-above=20 $B/base.folded $B/b.folded
# pprof: the real gzipped profile.proto of testdata/bench (the --tid
# --kernel folding of a 4x recording), against go tool pprof -traces when go
# is installed; MiB/s are of the unpacked message.
P=testdata/bench/big.pprof
gzip -dc $P > $B/big.pb
echo
echo "pprof: $P, $(awk -v b="$(wc -c < $P)" 'BEGIN { printf "%.2f", b / 1048576 }') MiB" \
     "gzipped, $(mib $B/big.pb) MiB unpacked, $(bin/fg-collapse pprof $P | wc -l) stacks"
trow "fg-collapse pprof" $($M -n "$RUNS" -i $P -b "$(wc -c < $B/big.pb)" -- bin/fg-collapse pprof)
fg_s=$last_s
if command -v go > /dev/null 2>&1; then
	trow "go tool pprof -traces (best of 3)" $(HOME=$B $M -n 3 -i $P -- go tool pprof -traces $P)
	awk -v a="$last_s" -v b="$fg_s" 'BEGIN { printf "fg-collapse pprof is %.0fx faster than go tool pprof -traces\n", a / b }'
else
	echo "(go is not installed: no go tool pprof row; it took about 1.6 s, 240 MiB here)"
fi
# Call graphs and top tables of the same profile, against go tool pprof
# -top and -dot (which take it as given: -symbolize=none).
for k in top dot; do
	trow "fg-$k" $($M -n "$RUNS" -i $P -b "$(wc -c < $B/big.pb)" -- bin/fg-$k)
	fg_s=$last_s
	if command -v go > /dev/null 2>&1; then
		trow "go tool pprof -$k (best of 3)" \
			$(HOME=$B $M -n 3 -i $P -- go tool pprof -symbolize=none -$k $P)
		awk -v a="$last_s" -v b="$fg_s" -v k="$k" \
			'BEGIN { printf "fg-%s is %.0fx faster than go tool pprof -%s\n", k, a / b, k }'
	fi
done
trow "fg-dot -o graph.svg (Graphviz layout)" \
	$($M -n "$RUNS" -i $P -b "$(wc -c < $B/big.pb)" -- bin/fg-dot -T svg)
row "fg-pprof (real folded profile)" $B/base.folded bin/fg-pprof

# gperftools: a real 4.2 MiB CPU profile of testdata/bench/gperf_busy (its
# binary kept for symbolization), against google-pprof --collapsed when it
# is installed (Debian google-perftools).  Seconds matter here, not MiB/s:
# most of the work is reading the binaries' DWARF, libc's debug file too.
G=$B/gperf.prof
[ -s $G ] || xz -dc testdata/bench/gperf.prof.xz > $G
echo
echo "gperf: $G, $(mib $G) MiB, $(bin/fg-collapse gperf -q testdata/bench/gperf_busy $G | wc -l) stacks"
trow "fg-collapse gperf" $($M -n "$RUNS" -i $G -- bin/fg-collapse gperf -q testdata/bench/gperf_busy)
fg_s=$last_s
if command -v google-pprof > /dev/null 2>&1; then
	trow "google-pprof --collapsed (best of 2)" \
		$($M -n 2 -i $G -- google-pprof --collapsed testdata/bench/gperf_busy /dev/stdin 2> /dev/null)
	awk -v a="$last_s" -v b="$fg_s" 'BEGIN { printf "fg-collapse gperf is %.0fx faster than google-pprof --collapsed\n", a / b }'
else
	echo "(google-pprof is not installed: no row for it; it took 3.1 s, 56 MiB here)"
fi
# 200,000 distinct return addresses in fg-collapse's own code, each checked
# for the call before it (tests/gperf_many.pl); this took minutes when the
# check read the file once per address.
perl tests/gperf_many.pl bin/fg-collapse 200000 > $B/gperf-many.prof
trow "fg-collapse gperf, 200,000 addresses" \
	$($M -n "$RUNS" -i $B/gperf-many.prof -- bin/fg-collapse gperf -q)

# fg-record: CPU time (user + system) of 10 s system-wide recordings at
# 99 Hz on an idle machine, fg-record against perf record when perf is
# installed; then 999 Hz with every CPU busy (one split workload per CPU),
# where nothing may be lost with the default buffer.
samples() { awk '/^[^\t]/ { n++ } END { print n + 0 }' "$1"; }
crow() {
	printf '%-34s %6.3f CPU-s  peak RSS %6.1f MiB  %s samples\n' "$1" "$2" \
		"$(awk -v k="$3" 'BEGIN { print k / 1024 }')" "$4"
}
# The text stack formats of stackcollapse-* (tests/stacks.sh): a corpus
# case repeated to about 200 MiB (a CSV's header line kept once).
echo
echo "fg-collapse, text stack formats: a testdata/stacks case repeated to ~200 MiB"
for c in dtrace:dtrace/fg-example-dtrace.txt.gz stap:stap/kernel-profile.txt \
	 bpftrace:bpftrace/bt-kstack-system.txt gdb:gdb/gdb-python-threads.txt \
	 elfutils:elfutils/eu-jvm-jstackwork.txt sample:sample/inferno-sample-rg.txt \
	 vtune:vtune/inferno-vtune.txt vsprof:vsprof/inferno-calltreesummary.txt \
	 recursive:recursive/jstack-work-folded.txt; do
	f=${c%%:*}
	if [ ! -s $B/big.$f ]; then
		gzip -dcf testdata/stacks/${c#*:} | perl -e 'my $h = $ARGV[0] ? <STDIN> : "";
			local $/; my $s = <STDIN>; print $h, $s x int(200 * 1048576 / length($s) + 1)' \
			"$(case $f in vtune|vsprof) echo 1 ;; *) echo 0 ;; esac)" > $B/big.$f.tmp
		mv $B/big.$f.tmp $B/big.$f
	fi
	row "fg-collapse $f" $B/big.$f bin/fg-collapse $f
done

echo
echo "fg-record: 10 s system-wide recordings (-a), CPU time of the recorder"
if bin/fg-record -q -a -o $B/probe.perf -- true 2> $B/rec.err; then
	set -- $($M -n 1 -- bin/fg-record -q -a -F 99 -o $B/rec-idle.perf -- sleep 10)
	crow "fg-record -F 99 -a, idle" "$6" "$5" "$(samples $B/rec-idle.perf)"
	if command -v perf > /dev/null 2>&1; then
		set -- $($M -n 1 -- perf record -q -F 99 -a -g -o $B/perf-idle.data -- sleep 10)
		crow "perf record -F 99 -a -g, idle" "$6" "$5" \
			"$(perf script -i $B/perf-idle.data 2> /dev/null | samples /dev/stdin)"
	else
		echo "(perf is not installed: no row for it; perf record took 0.33 CPU-s here)"
	fi
	for i in $(seq "$(nproc)"); do build/tests/split 11 & done
	set -- $($M -n 1 -- bin/fg-record -a -F 999 -o $B/rec-load.perf -- sleep 10 2> $B/rec-load.err)
	wait
	crow "fg-record -F 999 -a, full load" "$6" "$5" "$(samples $B/rec-load.perf)"
	grep -h 'samples, ' $B/rec-load.err | sed 's/^/  /'
else
	echo "(recording is not permitted here: $(head -1 $B/rec.err))"
fi

# fg-record --off-cpu: CPU time (user + system, the workload's included,
# the kernel's call-chain walks being done in its threads) on a workload
# making about 20,000 context switches a second for 5 s, against perf
# record -e sched:sched_switch -g plus perf script, and the workload alone.
# Tracepoints need tracefs: where it is not mounted, and we are root, the
# recorders run in a mount namespace of their own with it mounted there.
echo
echo "fg-record --off-cpu: 5 s at ~20,000 context switches a second, CPU time"
TPNS=""
if [ ! -e /sys/kernel/tracing/events ] && [ ! -e /sys/kernel/debug/tracing/events ] &&
   [ "$(id -u)" = 0 ] && unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing' 2> /dev/null; then
	TPNS="unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing && exec \"\$@\"' sh"
fi
ns() { eval "$TPNS \"\$@\""; }
PP="build/tests/offcpu pingpong 5 22000"
if [ -x build/tests/offcpu ] &&
   ns bin/fg-record -q --off-cpu -o /dev/null -- true 2> $B/off.err; then
	set -- $($M -n 1 -- $PP 2> $B/pp.err)
	crow "workload alone" "$6" "$5" "-"
	sed 's/^/  /' $B/pp.err
	set -- $(ns $M -n 1 -- bin/fg-record -q --off-cpu -o $B/off.perf -- $PP 2> $B/pp.err)
	fg_cpu=$6
	crow "fg-record --off-cpu" "$6" "$5" "$(samples $B/off.perf)"
	sed 's/^/  /' $B/pp.err
	if command -v perf > /dev/null 2>&1; then
		set -- $(ns $M -n 1 -- perf record -q -e sched:sched_switch -g -o $B/perf-off.data -- $PP 2> $B/pp.err)
		rec_cpu=$6
		crow "perf record -e sched:sched_switch -g" "$6" "$5" "-"
		sed 's/^/  /' $B/pp.err
		set -- $(ns $M -n 1 -o $B/perf-off.txt -- perf script -i $B/perf-off.data 2> /dev/null)
		crow "  + perf script" "$6" "$5" "$(samples $B/perf-off.txt)"
		awk -v f="$fg_cpu" -v r="$rec_cpu" -v s="$6" 'BEGIN {
			printf "fg-record --off-cpu: %.3f CPU-s; perf record + perf script: %.3f CPU-s (%.1fx)\n",
			       f, r + s, (f > 0 ? (r + s) / f : 0) }'
	else
		echo "(perf is not installed: no row for it)"
	fi
else
	echo "(off-CPU recording is not possible here: $(head -1 $B/off.err))"
fi

echo
awk -v a="$rss_fg_collapse_perf" -v b="$rss_fg_collapse_perf__1_4_of_the_input_" 'BEGIN {
	printf "peak RSS, 4x input against 1x: %+.1f%% (distinct stacks are the same)\n",
	       100 * (a - b) / b }'
echo "folded file: $(mib $B/big.folded) MiB, $(wc -l < $B/big.folded) stacks;" \
     "gzip MiB/s are of the uncompressed text"
