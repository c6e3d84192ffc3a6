# diff.sh - tests of fg-diff and differential flame graphs, sourced by
# run.sh (which defines ok, bad, same, expect_error, $T, $TD, and $DIFF, $SVG
# for the variant).

DD=$TD/diff

# Every case of the difffolded.pl corpus, and the example of
# formats/README.md, "Differential profiles (difffolded.pl)".  The
# reference prints in Perl hash order: compare sorted.
test_diff_corpus() {
	local case before after opts exp o
	while IFS=$'\t' read -r case before after opts exp; do
		[ "$case" = case ] && continue
		o=
		[ "$opts" != - ] && o=$opts
		"$DIFF" $o "$DD/$before" "$DD/$after" > "$T/out" 2> "$T/err"
		sort "$T/out" > "$T/out.sorted"
		sort "$DD/$exp" > "$T/exp.sorted"
		same "diff/corpus/$case${o:+/$o}" "$T/exp.sorted" "$T/out.sorted"
	done < "$DD/diff.tsv"
	local e=$DD/examples
	for o in default n s; do
		if [ $o = default ]; then
			"$DIFF" "$e/before.folded" "$e/after.folded" > "$T/out" 2> "$T/err"
		else
			"$DIFF" -$o "$e/before.folded" "$e/after.folded" > "$T/out" 2> "$T/err"
		fi
		sort "$e/$o.txt" > "$T/exp.sorted"
		same "diff/example/$o" "$T/exp.sorted" "$T/out"
	done
	# Output is sorted and deterministic; long options; gzip; stdin.
	local c=$DD/perf-templates-maptohash
	"$DIFF" --normalize --strip-hex "$c.before.folded" "$c.after.folded" > "$T/long"
	"$DIFF" -n -s "$c.before.folded" "$c.after.folded" > "$T/short"
	same "diff/long-options" "$T/short" "$T/long"
	sort "$T/short" > "$T/sorted"
	same "diff/sorted-output" "$T/sorted" "$T/short"
	gzip -c "$c.before.folded" > "$T/before.gz"
	"$DIFF" -n -s "$T/before.gz" - < "$c.after.folded" > "$T/out" 2> "$T/err"
	same "diff/gzip-and-stdin" "$T/short" "$T/out"
	"$DIFF" -n -s -o "$T/o.txt" "$c.before.folded" "$c.after.folded"
	same "diff/output-file" "$T/short" "$T/o.txt"
}

# The per-function shares, computed here independently with awk from the
# two folded files: by self (leaf) or total (each function once a stack).
awk_report() {
	awk -v by="$1" '
	FNR == 1 { side++ }
	/^[ \t]*$/ { next }
	{
		n = $NF; s = $0; sub(/[ \t][0-9.]+$/, "", s)
		tot[side] += n
		k = split(s, f, ";")
		if (by == "self") { c[f[k], side] += n; fn[f[k]] = 1; next }
		delete seen
		for (i = 1; i <= k; i++)
			if (!(f[i] in seen)) { seen[f[i]] = 1; c[f[i], side] += n; fn[f[i]] = 1 }
	}
	END {
		for (x in fn) {
			b = (x SUBSEP 1) in c ? c[x, 1] : 0
			a = (x SUBSEP 2) in c ? c[x, 2] : 0
			if (a == 0 && b == 0) continue
			printf "%s\t%.6f\t%.6f\t%.6f\t%.0f\t%.0f\n", x, 100 * b / tot[1],
			       100 * a / tot[2], 100 * a / tot[2] - 100 * b / tot[1], b, a
		}
	}' "$2" "$3"
}

# The rows of a CSV report as TSV, in order: the last five fields are
# numbers, the name is the rest (quoted when it holds a comma or a quote).
csv_rows() {
	awk -F, 'NR > 1 {
		sub(/\r$/, "")
		name = $1
		for (i = 2; i <= NF - 5; i++) name = name "," $i
		if (name ~ /^".*"$/) { name = substr(name, 2, length(name) - 2); gsub(/""/, "\"", name) }
		printf "%s\t%.6f\t%.6f\t%.6f\t%.0f\t%.0f\n", name, $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF
	}' "$1"
}

# near NAME EXPECTED ACTUAL: the same functions and counts, percentages
# within 0.0001 (the two sides round differently)
near() {
	if awk -F'\t' 'NR == FNR { e[$1] = $0; n++; next }
		!($1 in e) { print "unexpected: " $1; bad = 1; next }
		{ split(e[$1], x, "\t"); m++
		  for (i = 2; i <= 4; i++) if ((x[i] - $i) > 1e-4 || ($i - x[i]) > 1e-4) { print "got " $0 "; want " e[$1]; bad = 1 }
		  if (x[5] != $5 || x[6] != $6) { print "got " $0 "; want " e[$1]; bad = 1 } }
		END { if (m != n) { print m " rows, want " n; bad = 1 } exit bad }' "$2" "$3" > "$T/near" 2>&1; then
		ok "$1"
	else
		bad "$1" "$(head -4 "$T/near")"
	fi
}

test_diff_report() {
	local c by
	for c in perf-templates-maptohash perf-callstruct-slowb pprof-gocpu-halfa; do
		for by in self total; do
			awk_report $by "$DD/$c.before.folded" "$DD/$c.after.folded" > "$T/exp"
			"$DIFF" --report --top=0 --by=$by -f csv \
				"$DD/$c.before.folded" "$DD/$c.after.folded" > "$T/csv" 2> "$T/err"
			csv_rows "$T/csv" > "$T/out"
			near "diff/report/$c/$by" "$T/exp" "$T/out"
		done
	done
	c=$DD/perf-templates-maptohash
	# Ranked by the size of the change, either way; --top cuts the list.
	"$DIFF" --report --top=0 -f csv "$c.before.folded" "$c.after.folded" > "$T/csv"
	csv_rows "$T/csv" | awk -F'\t' '{ d = $4 < 0 ? -$4 : $4; if (NR > 1 && d > prev + 1e-9) bad = 1; prev = d }
		 END { exit bad || NR < 20 }' && ok "diff/report/ranked" ||
		bad "diff/report/ranked" "$(head -4 "$T/csv")"
	"$DIFF" --report --top=3 -f csv "$c.before.folded" "$c.after.folded" > "$T/top"
	head -4 "$T/csv" > "$T/exp"
	same "diff/report/top" "$T/exp" "$T/top"
	# Text: a header line, a column line, then --top rows in the same order.
	"$DIFF" --report --top=5 "$c.before.folded" "$c.after.folded" > "$T/text"
	csv_rows "$T/csv" | head -5 | cut -f1 > "$T/exp"
	awk 'NR > 2 { sub(/^ *[-+0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+  /, ""); print }' "$T/text" > "$T/out"
	if head -1 "$T/text" | grep -q '^# Share of all samples by self: before 939879752, after 779559112$'; then
		same "diff/report/text" "$T/exp" "$T/out"
	else
		bad "diff/report/text" "$(head -2 "$T/text")"
	fi
	# and its numbers, column by column: the CSV's (checked against awk
	# above), rounded as text shows them
	csv_rows "$T/csv" | head -5 |
		awk -F'\t' '{ printf "%+.2f %.2f %.2f %d %d\n", $4, $2, $3, $5, $6 }' > "$T/exp"
	awk 'NR > 2 { print $1, $2, $3, $4, $5 }' "$T/text" |
		sed 's/^\([0-9]\)/+\1/' > "$T/out"
	# under their own headings
	if [ "$(sed -n 2p "$T/text")" = '   delta  before%   after%     before     after  function' ]; then
		same "diff/report/text-numbers" "$T/exp" "$T/out"
	else
		bad "diff/report/text-numbers" "headings: $(sed -n 2p "$T/text")"
	fi
	# One two-column file (fg-diff's own output) gives the same report.
	"$DIFF" "$c.before.folded" "$c.after.folded" | "$DIFF" --report -f csv --top=0 > "$T/out"
	same "diff/report/from-diff" "$T/csv" "$T/out"
	# Markdown: one table row per function, pipes escaped, names as code.
	printf 'm;a|b 10\nm;`q` 5\n' > "$T/b.folded"
	printf 'm;a|b 5\nm;`q` 10\nm;c,"d" 5\n' > "$T/a.folded"
	"$DIFF" --report -f markdown "$T/b.folded" "$T/a.folded" > "$T/md"
	if grep -qF '| `a\|b` | 66.67 | 25.00 | -41.67 | 10 | 5 |' "$T/md" &&
	   grep -qF '| `` `q` `` | 33.33 | 50.00 | +16.67 | 5 | 10 |' "$T/md" &&
	   [ "$(grep -c '^|' "$T/md")" -eq 5 ]; then
		ok "diff/report/markdown"
	else
		bad "diff/report/markdown" "$(cat "$T/md")"
	fi
	"$DIFF" --report -f csv "$T/b.folded" "$T/a.folded" > "$T/csv2"
	if grep -qF '"c,""d""",0.000000,25.000000,25.000000,0,5' "$T/csv2"; then
		ok "diff/report/csv-quoting"
	else
		bad "diff/report/csv-quoting" "$(cat "$T/csv2")"
	fi
	# JSON parses, with the same rows as the CSV; names escaped.
	if command -v python3 > /dev/null; then
		"$DIFF" --report -f json --top=0 "$c.before.folded" "$c.after.folded" > "$T/json"
		python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["by"] == "self" and d["before_total"] == 939879752 and d["after_total"] == 779559112
for f in d["functions"]:
    print("%s\t%.6f\t%.6f\t%.6f\t%d\t%d" % (f["function"], f["before_pct"], f["after_pct"], f["delta_points"], f["before"], f["after"]))
' "$T/json" 2>&1 | sort > "$T/out"
		csv_rows "$T/csv" | sort > "$T/exp"
		near "diff/report/json" "$T/exp" "$T/out"
		printf 'm;bad\377name;"\\\001 3\n' >> "$T/a.folded"
		"$DIFF" --report -f json "$T/b.folded" "$T/a.folded" > "$T/json"
		python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
names = sorted(f["function"] for f in d["functions"])
assert names == sorted(["\"\\\x01", "a|b", "`q`", "c,\"d\""]), names
' "$T/json" > "$T/err" 2>&1 && ok "diff/report/json-escaping" ||
			bad "diff/report/json-escaping" "$(cat "$T/err" "$T/json")"
	else
		skip "diff/report/json" "python3 is not installed"
	fi
}

# A gate fails on a damaged side rather than judge it: here AFTER is cut
# inside its last count, which would otherwise hide a regression.
test_diff_gate_damaged() {
	printf 'main;work 100\nmain;scan 100\n' > "$T/before"
	printf 'main;work 100\nmain;scan 849699392\n' | head -c 29 > "$T/after"
	expect_error "diff/gate/cut-after" 1 'after:2: the last line has no newline' -- \
		"$DIFF" --fail-above=2 "$T/before" "$T/after"
	printf 'main;work 100\nbroken\nmain;scan 100\n' > "$T/after"
	expect_error "diff/gate/malformed-after" 1 'after:2: malformed line' -- \
		"$DIFF" --fail-above=2 "$T/before" "$T/after"
}

test_diff_gate() {
	test_diff_gate_damaged
	local c=$DD/perf-templates-maptohash st
	# The functions that grew by more than 5 points, from the awk report.
	awk_report self "$c.before.folded" "$c.after.folded" |
		awk -F'\t' '$4 > 5 { print $1 }' | sort > "$T/exp"
	"$DIFF" --fail-above=5 -f csv "$c.before.folded" "$c.after.folded" > "$T/out" 2> "$T/err"
	st=$?
	csv_rows "$T/out" | cut -f1 | sort > "$T/got"
	if [ $st -eq 3 ] && [ -s "$T/exp" ] && cmp -s "$T/exp" "$T/got" &&
	   grep -q '^fg-diff: FAIL: 2 functions grew by more than 5 points' "$T/err"; then
		ok "diff/gate/fail"
	else
		bad "diff/gate/fail" "exit $st" "$(cat "$T/err")" "$(diff "$T/exp" "$T/got")"
	fi
	"$DIFF" --fail-above=10 "$c.before.folded" "$c.after.folded" > "$T/out" 2> "$T/err"
	st=$?
	if [ $st -eq 0 ] && [ ! -s "$T/out" ] && grep -q '^fg-diff: ok: no function grew by more than 10 points' "$T/err"; then
		ok "diff/gate/pass"
	else
		bad "diff/gate/pass" "exit $st" "$(cat "$T/err")"
	fi
	"$DIFF" --fail-above=3 --match='^hash_' -f csv "$c.before.folded" "$c.after.folded" > "$T/out" 2> "$T/err"
	st=$?
	if [ $st -eq 3 ] && [ "$(csv_rows "$T/out" | cut -f1)" = hash_churn ]; then
		ok "diff/gate/match"
	else
		bad "diff/gate/match" "exit $st" "$(cat "$T/out" "$T/err")"
	fi
	"$DIFF" --fail-above=3 --match='^nothing' "$c.before.folded" "$c.after.folded" > "$T/out" 2> "$T/err"
	[ $? -eq 0 ] && ok "diff/gate/match-none" || bad "diff/gate/match-none" "$(cat "$T/err")"
	# By total: the after process's root frame grew by 100 points.
	"$DIFF" --fail-above=99 --by=total -q "$c.before.folded" "$c.after.folded" > "$T/out" 2> "$T/err"
	st=$?
	if [ $st -eq 3 ] && [ ! -s "$T/err" ] && grep -q 'templates-after$' "$T/out"; then
		ok "diff/gate/by-total"
	else
		bad "diff/gate/by-total" "exit $st" "$(cat "$T/out" "$T/err")"
	fi
	# With --report, the report is printed and the status still tells.
	"$DIFF" --report --top=1 --fail-above=5 "$c.before.folded" "$c.after.folded" > "$T/out" 2> "$T/err"
	st=$?
	if [ $st -eq 3 ] && [ "$(wc -l < "$T/out")" -eq 3 ]; then
		ok "diff/gate/with-report"
	else
		bad "diff/gate/with-report" "exit $st" "$(cat "$T/out")"
	fi
}

# fg-diff | fg-svg: widths from after, before, or the larger of the two.
test_diff_svg() {
	local c=$DD/perf-callstruct-slowb w exp
	"$DIFF" "$c.before.folded" "$c.after.folded" > "$T/d.folded"
	for w in before after max; do
		case $w in
		before) exp=$(awk '{ s += $(NF-1) } END { printf "%.0f", s }' "$T/d.folded") ;;
		after) exp=$(awk '{ s += $NF } END { printf "%.0f", s }' "$T/d.folded") ;;
		max) exp=$(awk '{ s += ($NF > $(NF-1) ? $NF : $(NF-1)) } END { printf "%.0f", s }' "$T/d.folded") ;;
		esac
		"$SVG" --diff-width=$w "$T/d.folded" > "$T/$w.svg" 2> "$T/err"
		# the root's count, and whether the vanished process is drawn
		got=$($SVGF "$T/$w.svg" | awk -F'\t' '$2 == "all" { gsub(",", "", $3); print $3 }')
		if [ "$got" != "$exp" ]; then
			bad "diff/svg/width-$w" "all = $got, want $exp"
		elif [ $w = after ] && $SVGF "$T/$w.svg" | grep -qP '^1\tcallstruct\t'; then
			bad "diff/svg/width-$w" "the before-only process is drawn"
		elif [ $w != after ] && ! $SVGF "$T/$w.svg" | grep -qP '^1\tcallstruct\t'; then
			bad "diff/svg/width-$w" "the before-only process is missing"
		else
			ok "diff/svg/width-$w"
		fi
	done
	# The default is after, as flamegraph.pl draws it.
	"$SVG" "$T/d.folded" > "$T/default.svg"
	if cmp -s "$T/default.svg" "$T/after.svg"; then ok "diff/svg/default-after"; else bad "diff/svg/default-after"; fi
	# A vanished stack is blue (it shrank) in the max graph.
	if $SVGF "$T/max.svg" | awk -F'\t' '$2 == "work_a" && $1 == 4 && $7 ~ /rgb\([0-9]+,[0-9]+,255\)/ { f = 1 } END { exit !f }'; then
		ok "diff/svg/vanished-blue"
	else
		bad "diff/svg/vanished-blue" "$($SVGF "$T/max.svg" | grep work_a)"
	fi
	# The PNG: the SVG's size, with red (grew) and blue (shrank) frames in
	# it, found by sampling a grid of pixels.
	"$SVG" --diff-width=max -o "$T/max.png" "$T/d.folded" 2> "$T/err"
	local h args
	h=$(sed -n 's/.*<svg[^>]* height="\([0-9]*\)".*/\1/p' "$T/max.svg" | head -1)
	args=$(awk -v h="$h" 'BEGIN { for (x = 5; x < 1200; x += 10)
		for (y = 5; y < h; y += 6) printf "%d %d ", x, y }')
	# shellcheck disable=SC2086
	if $PNGPX "$T/max.png" $args 2> "$T/perr" | awk -v h="$h" '
		NR == 1 { size = $1 == 1200 && $2 == h }
		NR > 1 && $3 == 255 && $1 < 200 { blue++ }
		NR > 1 && $1 == 255 && $3 < 200 { red++ }
		END { exit !(size && blue > 10 && red > 10) }'; then
		ok "diff/svg/png"
	else
		bad "diff/svg/png" "$(head -2 "$T/err" "$T/perr")"
	fi
	expect_error "diff/svg/bad-width" 2 'diff-width' -- "$SVG" --diff-width=min "$T/d.folded"
	"$SVG" --diff-width=max "$c.before.folded" > /dev/null 2> "$T/err"
	grep -q 'diff-width.*one count' "$T/err" && ok "diff/svg/one-column-warns" ||
		bad "diff/svg/one-column-warns" "$(cat "$T/err")"
}

test_diff_errors() {
	local c=$DD/perf-callstruct-slowb
	expect_error "diff/err/one-input" 2 'needs two inputs' -- "$DIFF" "$c.before.folded"
	expect_error "diff/err/three-inputs" 2 'too many inputs' -- "$DIFF" --report a b c
	expect_error "diff/err/both-stdin" 2 'both be stdin' -- "$DIFF" - -
	expect_error "diff/err/by" 2 "--by: 'leaf'" -- "$DIFF" --by=leaf --report a b
	expect_error "diff/err/format" 2 "--format: 'xml'" -- "$DIFF" -f xml --report a b
	expect_error "diff/err/fail-above" 2 "--fail-above: 'lots'" -- "$DIFF" --fail-above=lots a b
	expect_error "diff/err/top" 2 "--top: '-1'" -- "$DIFF" --report --top=-1 a b
	expect_error "diff/err/match-alone" 2 'match needs --fail-above' -- "$DIFF" --match=x a b
	expect_error "diff/err/bad-regex" 2 'match: ' -- "$DIFF" --fail-above=1 --match='(' a b
	expect_error "diff/err/missing" 1 "^fg-diff: $T/nope: " -- "$DIFF" "$T/nope" "$c.after.folded"
	printf 'a;b 1\nbroken line\n' > "$T/broken"
	expect_error "diff/err/strict" 1 "^fg-diff: $T/broken:2: malformed line" -- \
		"$DIFF" --strict "$c.before.folded" "$T/broken"
	"$DIFF" "$c.before.folded" "$T/broken" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q "broken:2: malformed" "$T/err" && grep -q '^a;b 0 1$' "$T/out"; then
		ok "diff/err/lenient-warns"
	else
		bad "diff/err/lenient-warns" "$(cat "$T/err")"
	fi
	printf 'a;b 1\n' > "$T/one"
	expect_error "diff/err/report-one-column" 1 "one:1: malformed line .*COUNT1 COUNT2" -- \
		"$DIFF" --report --strict "$T/one"
	# A side without samples (a failed recording) must not pass a gate.
	expect_error "diff/err/report-no-samples" 1 "one: no samples \(expected two-count" -- \
		"$DIFF" --report -q "$T/one"
	: > "$T/empty"
	expect_error "diff/err/gate-empty-after" 1 "^fg-diff: $T/empty: no samples$" -- \
		"$DIFF" --fail-above=1 "$c.before.folded" "$T/empty"
	"$DIFF" "$c.before.folded" "$T/empty" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q 'empty: no samples' "$T/err" && [ "$(wc -l < "$T/out")" -eq 4 ]; then
		ok "diff/err/empty-side-warns"
	else
		bad "diff/err/empty-side-warns" "$(cat "$T/err")"
	fi
	printf '\037\213\010\000garbage' > "$T/bad.gz"
	expect_error "diff/err/gzip" 1 "^fg-diff: $T/bad.gz" -- "$DIFF" "$T/bad.gz" "$c.after.folded"
	# -o is replaced only when complete.
	echo keep > "$T/o.txt"
	"$DIFF" -o "$T/o.txt" "$c.before.folded" "$T/nope" 2> /dev/null
	[ "$(cat "$T/o.txt")" = keep ] && ok "diff/err/output-kept" || bad "diff/err/output-kept"
}
