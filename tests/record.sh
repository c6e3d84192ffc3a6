# record.sh - fg-record tests, sourced by run.sh.  They record for real,
# so where perf_event_open is not permitted they print SKIP lines saying
# why, and count as neither passed nor failed.  The workload is
# testdata/src/split.c, built with frame pointers as build/tests/split;
# off-CPU time's is testdata/src/offcpu.c (build/tests/offcpu).

SPLIT=build/tests/split
OFFCPU=build/tests/offcpu
REC_SKIP=""
REC_SKIP_ALL=""

# Does FILE end with a blank line (the end of its last sample)?
ends_blank() { [ "$(tail -c 2 "$1" | od -An -c | tr -d ' ')" = '\n\n' ]; }

# Is recording allowed here?  Sets REC_SKIP (a command) and REC_SKIP_ALL
# (system-wide) to the reason if not.  Only perf_event_open's refusal (not
# permitted, or no perf_event in this kernel) is a reason to skip: any
# other failure of fg-record is a failure, and the recording tests then
# run and fail with it.
record_probe() {
	REC_SKIP=""
	REC_SKIP_ALL=""
	if ! "$REC" -q -o /dev/null -- true 2> "$T/probe.err"; then
		if grep -Eq 'not permitted \(kernel\.perf_event_paranoid|has no perf_event support' "$T/probe.err"; then
			REC_SKIP=$(head -1 "$T/probe.err")
		else
			bad "record/probe" "fg-record -- true failed:" "$(head -3 "$T/probe.err")"
		fi
	fi
	if ! "$REC" -q -a -o /dev/null -- true 2> "$T/probe.err"; then
		if grep -Eq 'not permitted \(kernel\.perf_event_paranoid|has no perf_event support' "$T/probe.err"; then
			REC_SKIP_ALL=$(head -1 "$T/probe.err")
		else
			bad "record/probe-system-wide" "fg-record -a -- true failed:" \
				"$(head -3 "$T/probe.err")"
		fi
	fi
}

# Sums of the folded counts of stacks with a frame matching each pattern:
# share FILE PAT_A PAT_B -> "A B percent_of_A"
share() {
	awk -v a="$2" -v b="$3" '{
		n = $NF; s = ";" substr($0, 1, length($0) - length($NF) - 1) ";"
		if (s ~ a) x += n; else if (s ~ b) y += n
	} END { printf "%d %d %d\n", x, y, (x + y) ? 100 * x / (x + y) + 0.5 : -1 }' "$1"
}

test_record_errors() {
	expect_error "record/usage-no-target" 2 "nothing to record" -- "$REC"
	expect_error "record/usage-freq" 2 "-F: '0' is not a number" -- "$REC" -F 0 -a
	expect_error "record/usage-pages" 2 "-m: 3 is not a power of 2" -- "$REC" -m 3 -a
	expect_error "record/usage-event" 2 "-e: 'bogus' is not an event fg-record knows" -- \
		"$REC" -e bogus -a
	expect_error "record/usage-count" 2 "-c: '0' is not a number" -- "$REC" -c 0 -a
	expect_error "record/usage-max-stack" 2 "--max-stack: 'x' is not a number" -- \
		"$REC" --max-stack=x -a
	expect_error "record/usage-folded-two-events" 2 "--folded folds one event" -- \
		"$REC" --folded -e cpu-clock,page-faults -a
	expect_error "record/usage-off-cpu" 2 "--off-cpu: 'some' is not blocked or all" -- \
		"$REC" --off-cpu=some -a
	expect_error "record/usage-tracepoint-name" 1 "'a:b/c' is not a tracepoint" -- \
		"$REC" -e a:b/c -a
	expect_error "record/usage-user-kernel" 2 "exclude each other" -- \
		"$REC" --user-only --kernel-only -a
	expect_error "record/usage-two-targets" 2 "give one of -a, -p and -t" -- \
		"$REC" -a -p 1
	expect_error "record/usage-pid-command" 2 "give no COMMAND" -- \
		"$REC" -p 1 -- true
	expect_error "record/usage-option" 2 "unrecognized option '--bogus'" -- \
		"$REC" --bogus -a
	expect_error "record/no-such-pid" 1 "no such process: 2147483646" -- \
		"$REC" -p 2147483646
	expect_error "record/bad-cpu-list" 1 "bad CPU list '0-x'" -- \
		"$REC" -C 0-x
}

# The split workload: 70 % of its time under work_a, 30 % under work_b.
test_record_split() {
	local n a b pct
	"$REC" -q -F 999 -o "$T/split.perf" -- "$SPLIT" 1.5 > /dev/null 2> "$T/rec.err"
	if [ $? -ne 0 ] || [ ! -s "$T/split.perf" ]; then
		bad "record/split" "fg-record failed:" "$(head -3 "$T/rec.err")"
		return
	fi
	"$FG" perf --strict -o "$T/split.folded" "$T/split.perf" 2> "$T/col.err" ||
		{ bad "record/split-collapse" "$(head -3 "$T/col.err")"; return; }
	ok "record/split-collapse"
	read -r a b pct < <(share "$T/split.folded" ";work_a;" ";work_b;")
	if [ "$pct" -ge 63 ] && [ "$pct" -le 77 ] && [ $((a + b)) -gt 0 ]; then
		ok "record/split-70-30 ($pct %)"
	else
		bad "record/split-70-30" "work_a $a, work_b $b: $pct % under work_a, want 70 +- 7"
	fi
	# Named, in perf script's layout, with real periods (1001001 ns at 999 Hz).
	n=$(grep -Ec '^	 +[0-9a-f]+ spin\+0x[0-9a-f]+ \(.*/split\)$' "$T/split.perf")
	if [ "$n" -gt 500 ] &&
	   grep -Eq '^split +[0-9]+/[0-9]+ +\[[0-9]{3}\] +[0-9]+\.[0-9]{6}: +1001001 cpu-clock: $' "$T/split.perf" &&
	   grep -q ';main;work_a;spin ' "$T/split.folded"; then
		ok "record/split-symbols"
	else
		bad "record/split-symbols" "$n spin frames" "$(head -4 "$T/split.perf")"
	fi
	if ends_blank "$T/split.perf"; then
		ok "record/split-complete"
	else
		bad "record/split-complete" "the output does not end with a blank line"
	fi
}

# Forked children are followed; a process that exits before the recording
# ends is still named (its mappings were recorded at the time).
# The recorded command cannot reach the profile being written (-o's
# temporary file is close-on-exec): what it writes to fd 3 goes nowhere.
test_record_output_fd() {
	"$REC" -q -F 999 -o "$T/inj.perf" -- sh -c 'echo INJECTED >&3' 2> /dev/null
	if [ -e "$T/inj.perf" ] && ! grep -q INJECTED "$T/inj.perf" &&
	   "$FG" perf --strict "$T/inj.perf" > /dev/null 2>&1; then
		ok "record/output-not-inherited"
	else
		bad "record/output-not-inherited" "$(grep -c INJECTED "$T/inj.perf" 2>&1) INJECTED lines in the profile"
	fi
}

# The command's output never goes into the profile (to stderr while the
# profile is on stdout, or to --child-stdout), and fg-record exits with the
# command's status, 128+N for a signal, as perf record does.
test_record_command_io() {
	local st
	"$REC" -q -F 999 -- sh -c 'echo CHILD-OUT; exit 7' > "$T/io.perf" 2> "$T/io.err"
	st=$?
	if [ "$st" -eq 7 ] && ! grep -q CHILD-OUT "$T/io.perf" && grep -q '^CHILD-OUT$' "$T/io.err" &&
	   "$FG" perf --strict "$T/io.perf" > /dev/null 2>&1; then
		ok "record/command-stdout-apart-and-status"
	else
		bad "record/command-stdout-apart-and-status" "status $st" "$(head -3 "$T/io.err")"
	fi
	"$REC" -F 999 -- sh -c 'kill -KILL $$' > "$T/io.perf" 2> "$T/io.err"
	st=$?
	[ "$st" -eq 137 ] && grep -q 'sh was killed by signal 9' "$T/io.err" &&
		ok "record/command-killed-status" || bad "record/command-killed-status" "status $st" "$(head -3 "$T/io.err")"
	"$REC" -q --child-stdout="$T/child.txt" -- sh -c 'echo KEPT' > "$T/io.perf" 2> "$T/io.err"
	st=$?
	[ "$st" -eq 0 ] && [ "$(cat "$T/child.txt")" = KEPT ] && ! grep -q KEPT "$T/io.perf" "$T/io.err" &&
		ok "record/child-stdout-file" || bad "record/child-stdout-file" "status $st"
	# A binary-writing command in a pipeline: the profile stays text.
	head -c 3000000 /dev/urandom > "$T/rnd"
	if (set -o pipefail; "$REC" -q -F 999 -- gzip -c "$T/rnd" 2> /dev/null |
	    "$FG" perf | "$SVG" > "$T/io.svg"); then
		ok "record/pipeline-binary-command"
	else
		bad "record/pipeline-binary-command" "the pipeline failed"
	fi
}

test_record_children() {
	"$REC" -q -F 999 -o "$T/kids.perf" -- sh -c "$SPLIT 0.5 1; sleep 0.7" 2> "$T/rec.err" ||
		{ bad "record/children" "$(head -3 "$T/rec.err")"; return; }
	local pids
	pids=$(awk '/^split / { print $2 }' "$T/kids.perf" | sort -u | wc -l)
	if [ "$pids" -ge 2 ] && grep -q 'work_a+0x' "$T/kids.perf" &&
	   [ "$("$FG" perf --pid "$T/kids.perf" | grep -c ';work_b;spin ')" -ge 2 ]; then
		ok "record/children-exited-named ($pids processes)"
	else
		bad "record/children-exited-named" "$pids split processes" \
			"$("$FG" perf --pid "$T/kids.perf" | head -4)"
	fi
	# Without call chains: one line per sample, the run-time address.
	"$REC" -q --no-call-graph -F 999 -o "$T/one.perf" -- "$SPLIT" 0.3 2> "$T/rec.err"
	if grep -Eq '^split .* cpu-clock: +[0-9a-f]{6,} spin\+0x' "$T/one.perf" &&
	   "$FG" perf "$T/one.perf" | grep -q '^split;spin '; then
		ok "record/no-call-graph"
	else
		bad "record/no-call-graph" "$(head -2 "$T/one.perf")"
	fi
	# --folded is fg-collapse perf's output, --user-only has no kernel.
	local a b pct
	"$REC" -q --folded --user-only -F 999 -o "$T/u.folded" -- "$SPLIT" 0.3 2> "$T/rec.err"
	read -r a b pct < <(share "$T/u.folded" ";work_a;" ";work_b;")
	if [ "$pct" -ge 55 ] && [ "$pct" -le 85 ] && ! grep -q 'entry_SYSCALL\|asm_' "$T/u.folded"; then
		ok "record/folded-user-only"
	else
		bad "record/folded-user-only" "$pct % under work_a" "$(head -3 "$T/u.folded")"
	fi
	expect_error "record/cannot-run" 1 "cannot run '/nonexistent/cmd': No such file" -- \
		"$REC" -o "$T/x.perf" -- /nonexistent/cmd
	if [ -e "$T/x.perf" ]; then
		bad "record/cannot-run-no-output" "x.perf was left behind"
	else
		ok "record/cannot-run-no-output"
	fi
}

# System-wide under load: kernel frames named from /proc/kallsyms.
test_record_kernel() {
	local n
	dd if=/dev/zero of=/dev/null bs=512 count=20000000 2> /dev/null &
	local dd=$!
	"$REC" -q -a -F 499 -o "$T/all.perf" -- sleep 1 2> "$T/rec.err"
	kill "$dd" 2> /dev/null
	wait "$dd" 2> /dev/null
	n=$(grep -Ec '^	ffffffff[0-9a-f]{8} [A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+ \(\[kernel\.kallsyms\]\)$' "$T/all.perf")
	if [ "$n" -gt 50 ] && grep -q 'do_syscall_64+0x' "$T/all.perf" &&
	   grep -Eq '^dd +[0-9]+/[0-9]+ +\[[0-9]{3}\] ' "$T/all.perf" &&
	   "$FG" perf --strict "$T/all.perf" | grep -q '^dd;.*do_syscall_64'; then
		ok "record/system-wide-kernel ($n kernel frames)"
	else
		bad "record/system-wide-kernel" "$n named kernel frames" "$(head -3 "$T/rec.err")"
	fi
}

# SIGINT or SIGTERM ends a recording with a complete, parseable output.
test_record_signal() {
	local sig pid st work
	for sig in INT TERM; do
		rm -f "$T/sig.perf"
		"$SPLIT" 4 &
		work=$!
		"$REC" -q -p "$work" -F 499 -o "$T/sig.perf" 2> "$T/rec.err" &
		pid=$!
		sleep 1
		kill -"$sig" "$pid"
		wait "$pid"
		st=$?
		kill "$work"
		wait "$work" 2> /dev/null
		if [ "$st" -eq 0 ] && [ -s "$T/sig.perf" ] &&
		   ends_blank "$T/sig.perf" &&
		   "$FG" perf --strict -o "$T/sig.folded" "$T/sig.perf" 2> /dev/null &&
		   [ -s "$T/sig.folded" ]; then
			ok "record/sig$sig-complete"
		else
			bad "record/sig$sig-complete" "status $st" "$(head -3 "$T/rec.err")"
		fi
	done
	# kill -9 leaves the temporary, named for what it is and whose; the
	# next command writing there removes it.  (The output of a test of
	# another build variant goes first.)
	rm -f "$T/k9.perf"
	"$SPLIT" 30 &
	work=$!
	"$REC" -q -p "$work" -F 99 -o "$T/k9.perf" 2> /dev/null &
	pid=$!
	for st in $(seq 300); do
		[ -e "$T/.k9.perf.fgkit-tmp-$pid" ] && break
		sleep 0.1
	done
	kill -KILL "$pid"
	wait "$pid" 2> /dev/null
	kill "$work"
	wait "$work" 2> /dev/null
	if [ ! -e "$T/.k9.perf.fgkit-tmp-$pid" ] || [ -e "$T/k9.perf" ]; then
		bad "record/kill-9-temporary-named" "$(ls -a "$T" | grep k9)"
	else
		ok "record/kill-9-temporary-named"
		"$FG" -q -o "$T/k9.perf" "$TD/svg/callstruct-default.folded"
		[ ! -e "$T/.k9.perf.fgkit-tmp-$pid" ] && [ -s "$T/k9.perf" ] &&
			ok "record/kill-9-temporary-removed-next-run" ||
			bad "record/kill-9-temporary-removed-next-run" "$(ls -a "$T" | grep k9)"
	fi
	# -p follows a running process until it exits.
	"$SPLIT" 1 &
	pid=$!
	"$REC" -q -p "$pid" -F 999 -o "$T/p.perf" 2> "$T/rec.err"
	st=$?
	wait "$pid"
	if [ "$st" -eq 0 ] && "$FG" perf "$T/p.perf" | grep -q ';work_a;spin '; then
		ok "record/pid-until-exit"
	else
		bad "record/pid-until-exit" "status $st" "$(head -3 "$T/rec.err")"
	fi
}

# fg-record's symbol names against perf 6.1's: every "ADDR sym+0xOFF
# (/usr/lib/...)" frame of the recorded corpus, named again from the same
# file address by build/tests/perfsym (elfsym's perf rules).  Only files of
# the same build give the same answers, so a library that mostly disagrees
# (another Debian point release) is skipped with a note.  PLT stubs
# ("memmove@plt"), which perf synthesizes, are left out.
test_record_symbols() {
	local tool=build/tests/perfsym dso n ok want have
	if [ ! -x "$tool" ]; then
		bad "record/perf-symbols" "$tool is missing"
		return
	fi
	for f in "$TD"/perf/recorded/*.perf.txt.gz; do gzip -dc "$f"; done |
	awk -F'\t' '/^\t/ {
		t = $2; sub(/^ +/, "", t)
		if (!match(t, /^[0-9a-f]+ [^ ]+\+0x[0-9a-f]+ \(\/usr\/lib\/[^)]*\)$/)) next
		n = split(t, w, " "); dso = w[n]; gsub(/[()]/, "", dso)
		if (w[2] ~ /@plt\+/) next
		print dso, w[1], w[2] }' | sort -u > "$T/frames"
	cut -d' ' -f1,2 "$T/frames" | "$tool" > "$T/named"
	paste -d' ' "$T/frames" "$T/named" > "$T/cmp"
	# Compared only where this machine has the very build the recordings
	# were made with (its build-id, stored beside them); then every
	# address must agree.
	for dso in $(cut -d' ' -f1 "$T/cmp" | sort -u); do
		n=$(grep -c "^$dso " "$T/cmp")
		ok=$(awk -v d="$dso" '$1 == d && $3 == $4' "$T/cmp" | wc -l)
		want=$(awk -F'\t' -v d="$dso" '$1 == d { print $2 }' "$TD/perf/recorded/build-ids.tsv")
		have=$(readelf -n "$dso" 2> /dev/null | awk '/Build ID/ { print $3 }')
		if [ -z "$want" ]; then
			bad "record/perf-symbols ${dso##*/}" "no build-id stored for $dso in $TD/perf/recorded/build-ids.tsv"
		elif [ ! -e "$dso" ]; then
			skip "record/perf-symbols ${dso##*/}" "$dso is not installed here"
		elif [ "$want" = - ]; then
			continue	# not compared: the recordings' build is not known
		elif [ "$want" != "$have" ]; then
			skip "record/perf-symbols ${dso##*/}" "this machine's $dso is another build ($have, recorded with $want)"
		elif [ "$ok" -eq "$n" ]; then
			ok "record/perf-symbols ${dso##*/} ($n addresses)"
		else
			bad "record/perf-symbols ${dso##*/}" "$ok of $n agree:" \
				"$(awk -v d="$dso" '$1 == d && $3 != $4' "$T/cmp" | head -3)"
		fi
	done
}

# Tracepoints need tracefs.  Where it is not mounted and we are root, the
# tracepoint tests run fg-record in a mount namespace of its own with
# tracefs mounted there (the machine's mounts stay as they are); where
# tracepoints are not permitted they are skipped with the reason.
TP_SKIP=""
TP_NS=""
tracepoint_probe() {
	TP_SKIP=""
	TP_NS=""
	"$REC" -q -e sched:sched_switch -o /dev/null -- true 2> "$T/tp.err" && return
	if grep -q 'tracefs, which is not mounted' "$T/tp.err"; then
		expect_error "record/tracepoint-no-tracefs" 1 \
			"tracepoints need tracefs, which is not mounted: mount -t tracefs" -- \
			"$REC" -e sched:sched_switch -- true
		if [ "$(id -u)" = 0 ] && unshare -m sh -c \
		   'mount -t tracefs nodev /sys/kernel/tracing && "$@"' sh \
		   "$REC" -q -e sched:sched_switch -o /dev/null -- true 2> "$T/tp.err"; then
			TP_NS=1
			return
		fi
	fi
	TP_SKIP=$(head -1 "$T/tp.err")
}

# fg-record with tracepoints: in a namespace with tracefs if need be.
rec_tp() {
	if [ -n "$TP_NS" ]; then
		unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing && exec "$@"' \
			sh "$REC" "$@"
	else
		"$REC" "$@"
	fi
}

# Sum of the counts of folded FILE's stacks matching the extended RE.
fsum() { awk -v re="$2" '$0 ~ re { s += $NF } END { printf "%.0f\n", s }' "$1"; }

# perf's event names: software events, several at once, -c, --max-stack.
test_record_events() {
	local n
	"$REC" -q -e page-faults -c 1 -o "$T/pf.perf" -- "$SPLIT" 0.1 2> "$T/rec.err"
	n=$(grep -Ec '^split +[0-9]+/[0-9]+ +\[[0-9]{3}\] +[0-9.]+: +1 page-faults: $' "$T/pf.perf")
	if [ "$n" -gt 10 ] && "$FG" perf --strict -o "$T/pf.folded" "$T/pf.perf" 2> /dev/null &&
	   [ "$(fsum "$T/pf.folded" '^split;')" -ge "$n" ]; then
		ok "record/event-page-faults ($n samples)"
	else
		bad "record/event-page-faults" "$n page-faults samples" "$(head -3 "$T/rec.err")"
	fi
	# A hardware event: counted where the PMU has it, else cpu-clock with
	# a note, as perf does.
	"$REC" -e instructions -F 999 -o "$T/hw.perf" -- "$SPLIT" 0.2 2> "$T/rec.err"
	if grep -q 'the instructions event is not supported here; falling back to cpu-clock' "$T/rec.err"; then
		grep -q ' cpu-clock: $' "$T/hw.perf" && ! grep -q ' instructions: $' "$T/hw.perf" &&
			ok "record/event-hardware-fallback (no PMU)" ||
			bad "record/event-hardware-fallback" "$(head -2 "$T/hw.perf")"
	else
		grep -q ' instructions: $' "$T/hw.perf" && ok "record/event-hardware (a PMU)" ||
			bad "record/event-hardware" "$(head -3 "$T/rec.err")"
	fi
	# Two events in one ring, each sample named: cpu-clock's split holds
	# apart from page-faults', and fg-collapse perf takes either.
	"$REC" -q -e cpu-clock -e page-faults -F 499 -o "$T/two.perf" -- "$SPLIT" 0.6 2> "$T/rec.err"
	local a b pct
	"$FG" perf --event-filter=cpu-clock "$T/two.perf" > "$T/two-cpu.folded" 2> /dev/null
	"$FG" perf --event-filter=page-faults "$T/two.perf" > "$T/two-pf.folded" 2> /dev/null
	"$FG" perf "$T/two.perf" > /dev/null 2> "$T/col.err"
	read -r a b pct < <(share "$T/two-cpu.folded" ";work_a;" ";work_b;")
	if grep -q ' cpu-clock: $' "$T/two.perf" && grep -q ' page-faults: $' "$T/two.perf" &&
	   [ "$pct" -ge 60 ] && [ "$pct" -le 80 ] && [ -s "$T/two-pf.folded" ] &&
	   grep -q 'several event types: keeping only' "$T/col.err"; then
		ok "record/two-events ($pct % under work_a)"
	else
		bad "record/two-events" "$pct % under work_a" "$(grep -c ' page-faults: $' "$T/two.perf") page-faults samples" \
			"$(head -3 "$T/rec.err")"
	fi
	# -c: a sample every 2 ms of CPU time, each with that period.
	"$REC" -q -c 2000000 -o "$T/c.perf" -- "$SPLIT" 0.3 2> "$T/rec.err"
	n=$(awk '/^[^\t]/ && NF { n++; if ($(NF - 1) != 2000000) bad++ } END { print (bad ? -1 : n + 0) }' "$T/c.perf")
	if [ "$n" -gt 20 ]; then
		ok "record/count-period ($n samples)"
	else
		bad "record/count-period" "$n samples (-1: another period)" "$(head -2 "$T/c.perf")"
	fi
	# --max-stack: no call chain longer.
	"$REC" -q --max-stack=3 -F 999 -o "$T/ms.perf" -- "$SPLIT" 0.2 2> "$T/rec.err"
	n=$(awk '/^\t/ { d++ } /^$/ { if (d > m) m = d; d = 0 } END { print m + 0 }' "$T/ms.perf")
	if [ "$n" -ge 1 ] && [ "$n" -le 3 ]; then
		ok "record/max-stack (deepest $n)"
	else
		bad "record/max-stack" "deepest chain $n frames" "$(head -3 "$T/rec.err")"
	fi
}

# Tracepoints: sched:sched_switch named as perf script names it, read by
# fg-collapse perf and by its --event-filter; with cpu-clock beside it.
test_record_tracepoint() {
	rec_tp -q -e sched:sched_switch -o "$T/tp.perf" -- sh -c 'sleep 0.05; sleep 0.05' 2> "$T/rec.err"
	if grep -Eq '^sleep +[0-9]+/[0-9]+ +\[[0-9]{3}\] +[0-9.]+: +1 sched:sched_switch: $' "$T/tp.perf" &&
	   "$FG" perf --strict --event-filter=sched:sched_switch "$T/tp.perf" 2> /dev/null |
	   grep -q '^sleep;.*do_nanosleep;schedule'; then
		ok "record/tracepoint-sched-switch"
	else
		bad "record/tracepoint-sched-switch" "$(head -3 "$T/rec.err")" "$(head -3 "$T/tp.perf")"
	fi
	rec_tp -q -e cpu-clock,sched:sched_switch -F 999 -o "$T/tp2.perf" -- \
		sh -c "$SPLIT 0.2; sleep 0.05" 2> "$T/rec.err"
	# Each event's samples, and only those, under its filter.
	local nsw
	nsw=$(grep -c ' sched:sched_switch: $' "$T/tp2.perf")
	"$FG" perf --event-filter=sched:sched_switch -o "$T/tp2-sw.folded" "$T/tp2.perf" 2> /dev/null
	if grep -q '^sleep;.*do_nanosleep' "$T/tp2-sw.folded" &&
	   [ "$(fsum "$T/tp2-sw.folded" .)" -eq "$nsw" ] &&
	   "$FG" perf --event-filter=cpu-clock "$T/tp2.perf" 2> /dev/null | grep -q ';work_a;spin '; then
		ok "record/tracepoint-and-cpu-clock ($nsw switches)"
	else
		bad "record/tracepoint-and-cpu-clock" "$nsw switches, $(fsum "$T/tp2-sw.folded" .) folded" \
			"$(head -3 "$T/rec.err")"
	fi
}

# Off-CPU time: offcpu block sleeps 35 ms under block_a, 15 ms under
# block_b, over and over.  Its blocked time splits 70/30 within 7 points
# and adds up to its wall time within 20 %.  Each wake-up's wait for a CPU
# is charged too, about equally after either sleep: the sleeps are long
# so that a busy machine's waits (3-4 ms with both CPUs loaded) stay
# within the margin.
test_record_offcpu() {
	local a b pct tot
	rec_tp -q --off-cpu -o "$T/off.perf" -- "$OFFCPU" block 1.5 2> "$T/rec.err"
	if [ $? -ne 0 ] || ! "$FG" perf --strict -o "$T/off.folded" "$T/off.perf" 2> "$T/col.err"; then
		bad "record/offcpu" "$(head -3 "$T/rec.err" "$T/col.err")"
		return
	fi
	read -r a b pct < <(share "$T/off.folded" ";block_a;" ";block_b;")
	if [ "$pct" -ge 63 ] && [ "$pct" -le 77 ]; then
		ok "record/offcpu-70-30 ($pct %)"
	else
		bad "record/offcpu-70-30" "block_a $a ns, block_b $b ns: $pct % under block_a, want 70 +- 7"
	fi
	tot=$(fsum "$T/off.folded" '^offcpu;')
	if [ "$tot" -ge 1200000000 ] && [ "$tot" -le 1800000000 ]; then
		ok "record/offcpu-total-is-wall-time ($tot ns of 1.5 s)"
	else
		bad "record/offcpu-total-is-wall-time" "$tot ns off-CPU, want 1.5 s +- 20 %"
	fi
	# The unit goes with it: offcpu-time, in nanoseconds.
	if grep -Eq '^offcpu +[0-9]+/[0-9]+ +\[[0-9]{3}\] +[0-9.]+: +[0-9]+ offcpu-time: $' "$T/off.perf" &&
	   "$TOP" "$T/off.perf" 2> /dev/null | grep -q '^Type: offcpu-time' &&
	   "$TOP" "$T/off.perf" 2> /dev/null | grep -Eq 'of [0-9.]+(s|ms) total'; then
		ok "record/offcpu-unit"
	else
		bad "record/offcpu-unit" "$("$TOP" "$T/off.perf" 2>&1 | head -3)"
	fi
	# --folded: the same stacks.
	rec_tp -q --off-cpu --folded -o "$T/offf.folded" -- "$OFFCPU" block 0.5 2> "$T/rec.err"
	read -r a b pct < <(share "$T/offf.folded" ";block_a;" ";block_b;")
	if [ "$pct" -ge 60 ] && [ "$pct" -le 80 ]; then
		ok "record/offcpu-folded ($pct %)"
	else
		bad "record/offcpu-folded" "$pct % under block_a" "$(head -3 "$T/rec.err")"
	fi
	# Two threads spinning on one CPU wait for it, runnable: off-CPU time
	# under all, none under blocked (each waits about half of the second;
	# at least 0.3 s together, however busy the CPU is).
	local all blocked
	rec_tp -q --off-cpu=all --folded -o "$T/spin-all.folded" -- "$OFFCPU" spin 1 2> "$T/rec.err"
	rec_tp -q --off-cpu --folded -o "$T/spin-blocked.folded" -- "$OFFCPU" spin 1 2>> "$T/rec.err"
	all=$(fsum "$T/spin-all.folded" ';spin_runnable;')
	blocked=$(fsum "$T/spin-blocked.folded" ';spin_runnable;')
	if [ "$all" -ge 300000000 ] && [ "$blocked" -le 20000000 ]; then
		ok "record/offcpu-runnable-only-under-all ($all ns, blocked $blocked ns)"
	else
		bad "record/offcpu-runnable-only-under-all" "spin_runnable: $all ns under all, $blocked ns under blocked" \
			"$(head -3 "$T/rec.err")"
	fi
	# -p: a running process, until it exits.
	"$OFFCPU" block 1.5 &
	local pid=$!
	rec_tp -q --off-cpu --folded -p "$pid" -o "$T/offp.folded" 2> "$T/rec.err"
	wait "$pid"
	read -r a b pct < <(share "$T/offp.folded" ";block_a;" ";block_b;")
	if [ "$pct" -ge 55 ] && [ "$pct" -le 85 ]; then
		ok "record/offcpu-pid ($pct %)"
	else
		bad "record/offcpu-pid" "$pct % under block_a" "$(head -3 "$T/rec.err")"
	fi
	# -a: every task's switches, the workload's among them.
	if [ -z "$REC_SKIP_ALL" ]; then
		rec_tp -q --off-cpu -a --folded -o "$T/offa.folded" -- "$OFFCPU" block 0.6 2> "$T/rec.err"
		grep '^offcpu;' "$T/offa.folded" > "$T/offa-w.folded"
		read -r a b pct < <(share "$T/offa-w.folded" ";block_a;" ";block_b;")
		if [ "$pct" -ge 55 ] && [ "$pct" -le 85 ]; then
			ok "record/offcpu-system-wide ($pct %)"
		else
			bad "record/offcpu-system-wide" "$pct % under block_a" "$(head -3 "$T/rec.err")"
		fi
	fi
	# Hot/cold: cpu-clock samples and off-CPU time, both in nanoseconds,
	# off-CPU frames marked _[o] (blue in fg-svg); fg-collapse perf keeps
	# both when asked.
	rec_tp -q --hot-cold -F 999 -o "$T/hc.perf" -- sh -c "$SPLIT 0.3; $OFFCPU block 0.3" 2> "$T/rec.err"
	"$FG" perf --event-filter=cpu-clock,offcpu-time -o "$T/hc.folded" "$T/hc.perf" 2> /dev/null
	if grep -q ';main;work_a;spin ' "$T/hc.folded" && grep -q ';main_\[o\];block_a_\[o\];' "$T/hc.folded" &&
	   [ "$(fsum "$T/hc.folded" '_[[]o[]] [0-9]+$')" -ge 200000000 ] &&
	   "$SVG" "$T/hc.folded" 2> /dev/null |
	   grep -Eq '<title>block_a_\[o\] [^<]*</title><rect [^>]*fill="rgb\(([0-9]+),\1,2[0-9][0-9]\)"' &&
	   "$TOP" --event-filter=cpu-clock,offcpu-time "$T/hc.perf" 2> /dev/null | grep -q '^Type: time'; then
		ok "record/hot-cold"
	else
		bad "record/hot-cold" "$(head -3 "$T/rec.err")" "$(grep -c _o "$T/hc.folded") marked stacks"
	fi
}

test_record() {
	local v=$1
	REC=$v/fg-record
	test_record_errors
	[ "$v" = bin ] && test_record_symbols
	record_probe
	if [ -n "$REC_SKIP" ]; then
		skip "record/split-70-30" "$REC_SKIP"
		skip "record/children-exited-named" "$REC_SKIP"
		skip "record/system-wide-kernel" "$REC_SKIP"
		skip "record/sigINT-complete" "$REC_SKIP"
		return
	fi
	if [ ! -x "$SPLIT" ]; then
		bad "record" "$SPLIT is missing; run make $SPLIT"
		return
	fi
	test_record_split
	test_record_events
	tracepoint_probe
	if [ -n "$TP_SKIP" ]; then
		skip "record/tracepoint-sched-switch" "$TP_SKIP"
		skip "record/offcpu-70-30" "$TP_SKIP"
	elif [ ! -x "$OFFCPU" ]; then
		bad "record/offcpu" "$OFFCPU is missing; run make $OFFCPU"
	else
		test_record_tracepoint
		test_record_offcpu
	fi
	test_record_output_fd
	test_record_command_io
	test_record_children
	test_record_signal
	if [ "$v" = bin ]; then
		if [ -n "$REC_SKIP_ALL" ]; then
			skip "record/system-wide-kernel" "$REC_SKIP_ALL"
		elif grep -q ' T do_syscall_64$' /proc/kallsyms 2> /dev/null &&
		   ! grep -q '^0000000000000000 T do_syscall_64$' /proc/kallsyms; then
			test_record_kernel
		else
			skip "record/system-wide-kernel" "/proc/kallsyms shows no kernel addresses here"
		fi
	fi
}
