#!/bin/bash
# fuzz.sh SECONDS TARGET... - run each libFuzzer target (built by make fuzz
# in build/fuzz/) for SECONDS, two at a time, from its seeds in
# tests/fuzz/corpus/NAME plus what earlier runs found (build/fuzz/corpus-NAME,
# where new inputs go).  Prints "PASS fuzz/NAME: N execs, cov C" or "FAIL
# fuzz/NAME: ..." per target (a crash leaves build/fuzz/crash-NAME-*), and
# exits 1 if any failed.
set -u
cd "$(dirname "$0")/.." || exit 2
secs=$1
shift
run_one() {
	local t=$1 secs=$2 name=${1#fuzz_} log st execs cov
	log=build/fuzz/$t.${secs}s.log
	mkdir -p "build/fuzz/corpus-$name"
	if [ ! -x "build/fuzz/$t" ]; then
		echo "FAIL fuzz/$name: build/fuzz/$t is missing (make fuzz)"
		return
	fi
	# -timeout: an input that takes 10 s is a finding (a hang), as a
	# crash is; -rss_limit_mb: so is one that takes 2 GB.
	ASAN_OPTIONS=detect_leaks=1 "build/fuzz/$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/crash-$name-" \
		"build/fuzz/corpus-$name" "tests/fuzz/corpus/$name" > "$log" 2>&1
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	if [ "$st" -eq 0 ] && [ -n "$execs" ]; then
		echo "PASS fuzz/$name: ${execs} execs in ${secs} s, cov ${cov:-?}"
	else
		echo "FAIL fuzz/$name: status $st after ${execs:-?} execs: $(grep -m1 -E 'ERROR|SUMMARY|Test unit written' "$log" | cut -c1-160) (see $log)"
	fi
}
export -f run_one
printf '%s\n' "$@" | xargs -P 2 -I{} bash -c 'run_one "$1" "$2"' _ {} "$secs" > "build/fuzz/results-$$.txt"
cat "build/fuzz/results-$$.txt"
! grep -q "^FAIL" "build/fuzz/results-$$.txt"
