# graph.sh - tests of fg-top and fg-dot, sourced by run.sh (which defines
# ok, bad, same, expect_error, $T, $TD, and $FG, $TOP, $DOT, $DIFF for the
# variant).

GRAPHD=$TD/pprof
GRAPH_CASES="go-cpu-basic go-cpu-inline go-cpu-labels go-heap go-test-cpuprofile"

# graph_same NAME top|dot EXPECTED ACTUAL: the same by meaning (graphcmp.py),
# and no sanitizer report in $T/err (the command's stderr)
graph_same() {
	if grep -q 'Sanitizer\|runtime error' "$T/err"; then
		bad "$1" "$(grep -m 3 'Sanitizer\|runtime error' "$T/err")"
	elif python3 tests/graphcmp.py "$2" "$3" "$4" > "$T/cmp" 2>&1; then
		ok "$1"
	else
		bad "$1" "$(head -6 "$T/cmp")"
	fi
}

# Every pprof corpus case: the rows of go tool pprof -top -nodecount=1000,
# and the nodes and edges of go tool pprof -dot.
test_graph_corpus() {
	local c
	for c in $GRAPH_CASES; do
		"$TOP" -n 1000 "$GRAPHD/$c.pb.gz" > "$T/top" 2> "$T/err"
		graph_same "graph/top/$c" top "$GRAPHD/$c.top.txt" "$T/top"
		"$DOT" "$GRAPHD/$c.pb.gz" > "$T/dot" 2> "$T/err"
		graph_same "graph/dot/$c" dot "$GRAPHD/$c.dot" "$T/dot"
	done
	# The text as pprof prints it, byte for byte below its legend.
	"$TOP" "$GRAPHD/go-heap.pb.gz" | sed -n '/^ *flat  flat%/,$p' > "$T/top"
	sed -n '/^ *flat  flat%/,$p' "$GRAPHD/go-heap.top.txt" |
		sed 's/ (inline)$//' > "$T/exp"
	same "graph/top/pprof-text" "$T/exp" "$T/top"
	# Folded text (the interface between tools) gives the same table once
	# told its unit, and so does a stream on stdin.
	"$FG" pprof "$GRAPHD/go-cpu-basic.pb.gz" |
		"$TOP" --unit=cpu/nanoseconds > "$T/top" 2> "$T/err"
	graph_same "graph/top/from-folded" top "$GRAPHD/go-cpu-basic.top.txt" "$T/top"
	"$DOT" < "$GRAPHD/go-test-cpuprofile.pb.gz" > "$T/dot" 2> "$T/err"
	graph_same "graph/dot/stdin" dot "$GRAPHD/go-test-cpuprofile.dot" "$T/dot"
}

# flat_cum < FOLDED: "name<TAB>flat<TAB>cum" per function, computed here
# without fgkit: flat from the leaf, cum once per stack.
flat_cum() {
	awk '{
		n = $NF; s = $0; sub(/ [^ ]+$/, "", s)
		k = split(s, f, ";"); flat[f[k]] += n
		delete seen
		for (i = 1; i <= k; i++)
			if (!(f[i] in seen)) { seen[f[i]] = 1; cum[f[i]] += n }
	} END { for (x in cum) printf "%s\t%.0f\t%.0f\n", x, flat[x], cum[x] }' | sort
}

# top_json < JSON: "name<TAB>flat<TAB>cum" from fg-top --format=json
top_json() {
	python3 -c '
import json, sys
for r in json.load(sys.stdin)["nodes"]:
    print("%s\t%d\t%d" % (r["function"], r["flat"], r["cum"]))' | sort
}

# A gperftools heap pair: the second dump made from the first by growing,
# freeing and doubling allocation sites.  --base gives the change per
# function, as awk computes it from the two folded profiles.
test_graph_base() {
	local h=$TD/gperf/cpp-heap
	awk 'NR == 3 { $2 = $2 * 3 } NR == 4 { $1 = "0:"; $2 = 0 }
	     NR == 6 { $2 = $2 * 2 } { print }' "$h/heap.0001.heap" > "$T/heap.0002.heap"
	"$FG" gperf "$h/prog" "$h/heap.0001.heap" > "$T/a.folded" 2> "$T/err"
	"$FG" gperf "$h/prog" "$T/heap.0002.heap" > "$T/b.folded" 2> "$T/err"
	flat_cum < "$T/a.folded" > "$T/a.fc"
	flat_cum < "$T/b.folded" > "$T/b.fc"
	awk -F '\t' 'NR == FNR { f[$1] = $2; c[$1] = $3; next }
		{ f[$1] = $2 - f[$1]; c[$1] = $3 - c[$1]; seen[$1] = 1 }
		END { for (x in f) { if (!(x in seen)) { f[x] = -f[x]; c[x] = -c[x] }
			if (f[x] == 0) f[x] = 0	# not -0
			if (f[x] != 0 || c[x] != 0) printf "%s\t%.0f\t%.0f\n", x, f[x], c[x] } }' \
		"$T/a.fc" "$T/b.fc" | sort > "$T/exp"
	if [ "$(wc -l < "$T/exp")" -lt 10 ]; then
		bad "graph/base/heap-pair" "the pair differs in too few functions"
		return
	fi
	"$TOP" --nodefraction=0 -f json --base="$T/a.folded" "$T/b.folded" 2> "$T/err" |
		top_json > "$T/out"
	same "graph/base/heap-pair" "$T/exp" "$T/out"
	# As pprof is run: --base=a.0001.heap PROG a.0002.heap.
	"$TOP" --nodefraction=0 -f json --base="$h/heap.0001.heap" "$h/prog" \
		"$T/heap.0002.heap" 2> "$T/err" | top_json > "$T/out"
	same "graph/base/gperftools-command-line" "$T/exp" "$T/out"
	# fg-diff's two-count output is the same differential profile.
	"$DIFF" "$T/a.folded" "$T/b.folded" | "$TOP" --nodefraction=0 -f json 2> "$T/err" |
		top_json > "$T/out"
	same "graph/base/two-count-input" "$T/exp" "$T/out"
	# The drawing: what grew is red, what shrank green.
	"$DOT" --base="$T/a.folded" "$T/b.folded" > "$T/dot" 2> "$T/err"
	if grep -q 'length() const (14400000)" color="#b2' "$T/dot" &&
	   grep -q '_M_mutate(unsigned long, unsigned long, char const\*, unsigned long) (-4100000)" color="#[0-9a-f][0-9a-f]b2' "$T/dot"; then
		ok "graph/base/dot-colours"
	else
		bad "graph/base/dot-colours" "$(grep -E 'length\(\) const|_M_mutate' "$T/dot" | head -2 | cut -c1-200)"
	fi
}

# Formats: exact counts in CSV and JSON, pprof's text in Markdown too.
test_graph_formats() {
	local c=$GRAPHD/go-cpu-basic.pb.gz
	"$FG" pprof "$c" | flat_cum | awk -F '\t' '$2 != 0 || $3 != 0' > "$T/exp"
	"$TOP" -f json "$c" 2> "$T/err" | top_json > "$T/out"
	same "graph/top/json-exact" "$T/exp" "$T/out"
	"$TOP" -f csv "$c" > "$T/csv" 2> "$T/err"
	if head -1 "$T/csv" | grep -q '^flat,flat_pct,sum_pct,cum,cum_pct,function' &&
	   grep -q '^2360000000,71.951220,71.951220,2380000000,72.560976,main.mixA' "$T/csv"; then
		ok "graph/top/csv"
	else
		bad "graph/top/csv" "$(head -3 "$T/csv")"
	fi
	"$TOP" -n 2 --format=markdown "$c" > "$T/md" 2> "$T/err"
	# (pprof's unit: that of the smallest value shown, 900ms.)
	if grep -q '^| flat | flat% | sum% | cum | cum% | function |$' "$T/md" &&
	   grep -q '^| 2360ms | 71.95% | 71.95% | 2380ms | 72.56% | `main.mixA` |$' "$T/md" &&
	   [ "$(grep -c '^| ' "$T/md")" -eq 3 ] && grep -q '^Showing top 2 nodes out of 6  $' "$T/md"; then
		ok "graph/top/markdown"
	else
		bad "graph/top/markdown" "$(cat "$T/md")"
	fi
	"$TOP" --cum -n 3 "$c" | sed -n '/flat  flat%/,$p' | awk 'NR > 1 { print $NF }' > "$T/out"
	printf 'main.main\nruntime.main\nmain.crunchA\n' > "$T/exp"
	same "graph/top/cum-order" "$T/exp" "$T/out"
}

# Drawings rendered by Graphviz's libraries: well-formed SVG with a node
# group per node, a PNG that decodes, a one-page PDF; dot reads our text.
test_graph_render() {
	local c=$GRAPHD/go-test-cpuprofile.pb.gz n st
	"$DOT" "$c" > "$T/g.dot" 2> "$T/err"
	n=$(grep -c '^N[0-9]* \[' "$T/g.dot")
	rm -f "$T/g.svg"
	"$DOT" -o "$T/g.svg" "$c" 2> "$T/err"
	st=$?
	if [ $st -ne 0 ]; then
		bad "graph/render/svg" "exit status $st" "$(head -3 "$T/err")"
	elif ! xmllint --noout "$T/g.svg" 2> "$T/xerr"; then
		bad "graph/render/svg" "$(head -3 "$T/xerr")"
	# (the legend box is a node too)
	elif [ "$(xmllint --xpath 'count(//*[local-name()="g"][@class="node"])' "$T/g.svg")" != "$((n + 1))" ] ||
	     [ "$n" -ne 80 ]; then
		bad "graph/render/svg" "$n nodes in the dot text; in the SVG: $(xmllint --xpath 'count(//*[local-name()="g"][@class="node"])' "$T/g.svg")"
	else
		ok "graph/render/svg"
	fi
	"$DOT" -o "$T/g.png" "$c" 2> "$T/err"
	st=$?
	if [ $st -eq 0 ] && build/tests/pngpixel "$T/g.png" 0 0 > "$T/px" 2>&1 &&
	   awk 'NR == 1 { exit !($1 > 500 && $2 > 500) }' "$T/px"; then
		ok "graph/render/png"
	else
		bad "graph/render/png" "$(head -2 "$T/px")" "$(head -2 "$T/err")"
	fi
	"$DOT" -T pdf "$c" > "$T/g.pdf" 2> "$T/err"
	st=$?
	if [ $st -eq 0 ] && pdfinfo "$T/g.pdf" 2> /dev/null | grep -q '^Pages: *1$' &&
	   pdftotext "$T/g.pdf" - 2> /dev/null | grep -q 'BenchmarkCountTop'; then
		ok "graph/render/pdf"
	else
		bad "graph/render/pdf" "$(head -2 "$T/err")"
	fi
	if command -v dot > /dev/null; then
		if dot -Tsvg "$T/g.dot" > "$T/d.svg" 2> "$T/derr" && xmllint --noout "$T/d.svg"; then
			ok "graph/render/dot-reads-text"
		else
			bad "graph/render/dot-reads-text" "$(head -3 "$T/derr")"
		fi
	fi
	# Names that would break dot's quoting or SVG's markup.
	printf 'main;a"b\\c;<x&y>\n' | sed 's/$/ 5/' > "$T/odd.folded"
	printf 'main;pkg/v2/q.F 3\n' >> "$T/odd.folded"
	"$DOT" -o "$T/odd.svg" "$T/odd.folded" 2> "$T/err"
	st=$?
	if [ $st -eq 0 ] && xmllint --noout "$T/odd.svg" 2> "$T/xerr" &&
	   grep -q 'a\\"b\\\\c (5)' <("$DOT" "$T/odd.folded") &&
	   grep -q 'label="q\\nF\\n3' <("$DOT" "$T/odd.folded"); then
		ok "graph/render/escaping"
	else
		bad "graph/render/escaping" "$(head -3 "$T/xerr")" "$(head -2 "$T/err")"
	fi
}

# Node labels shorten names as pprof's ShortenFunctionName does (Go module
# versions, Go packages, Java packages, C++ namespaces), checked against
# names shortened by pprof's own regular expressions (shorten.tsv).
test_graph_names() {
	cut -f 1 "$GRAPHD/shorten.tsv" | sed 's/$/ 1/' > "$T/names.folded"
	"$DOT" "$T/names.folded" 2> "$T/err" | python3 -c '
import re, sys
exp = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[1]))
seen = 0
for line in sys.stdin:
    m = re.match(r"^N\d+ \[label=\"(.*?)1 \(.*tooltip=\"(.*) \(1\)\"", line)
    if not m:
        continue
    name = m.group(2).replace("\\\"", "\"").replace("\\\\", "\\")
    want = exp[name].replace("::", "\\n").replace(".", "\\n") + "\\n"
    if m.group(1) != want:
        print("%s: label %s, want %s" % (name, m.group(1), want))
    seen += 1
if seen != len(exp):
    print("%d nodes of %d names" % (seen, len(exp)))' "$GRAPHD/shorten.tsv" > "$T/cmp"
	if [ -s "$T/cmp" ]; then
		bad "graph/dot/short-names" "$(head -5 "$T/cmp")"
	else
		ok "graph/dot/short-names"
	fi
}

test_graph_errors() {
	local c=$GRAPHD/go-cpu-basic.pb.gz
	expect_error "graph/err/extension" 2 'unknown format .gif' -- "$DOT" -o "$T/g.gif" "$c"
	expect_error "graph/err/type" 2 "-T: 'jpeg' is not" -- "$DOT" -T jpeg "$c"
	expect_error "graph/err/fraction" 2 "nodefraction: '2' is not a fraction" -- "$TOP" --nodefraction=2 "$c"
	expect_error "graph/err/nodecount" 2 "nodecount: 'x' is not a count" -- "$TOP" -n x "$c"
	expect_error "graph/err/regex" 2 'focus' -- "$TOP" --focus='(' "$c"
	: > "$T/empty"
	expect_error "graph/err/no-samples" 2 'empty: no valid input: no samples' -- "$TOP" "$T/empty"
	printf 'a;b 0\nc 0\n' > "$T/zero"
	expect_error "graph/err/all-zero" 2 'zero: no valid input: no samples' -- "$TOP" "$T/zero"
	printf 'a;b 1 2\n' > "$T/two"
	printf 'a;b 1\n' > "$T/one"
	expect_error "graph/err/base-two-counts" 1 'two: two counts per stack.*the base' -- \
		"$DOT" --base="$T/two" "$T/one"
	expect_error "graph/err/input-two-counts" 1 'two: two counts per stack.*the input' -- \
		"$TOP" --base="$T/one" "$T/two"
	printf 'hello world\nthis is not a profile\n' > "$T/text"
	expect_error "graph/err/refused" 1 'text: unrecognized input' -- "$DOT" "$T/text"
	rm -f "$T/g.svg"
	"$DOT" -o "$T/g.svg" "$T/text" 2> /dev/null
	[ -e "$T/g.svg" ] && bad "graph/err/no-partial-output" "g.svg was written" ||
		ok "graph/err/no-partial-output"
}

# Against go tool pprof itself, where it is installed: the filters, node
# counts and orders that the corpus files do not cover.  Regexes are
# anchored, as pprof also matches them against source file names, which
# folded stacks do not have (formats/README.md, "Call graphs and top tables").
# The drawings of profiles with labels (go-cpu-labels; go-heap's "bytes")
# are left out of the node-count cases: pprof counts label boxes as nodes
# there, and the model has no labels.
test_graph_go() {
	if ! command -v go > /dev/null; then
		skip "graph/go" "no go tool pprof (Debian golang-go)"
		return
	fi
	local c opts ours kind i=0
	while IFS= read -r opts; do
		i=$((i + 1))
		ours=$(echo "$opts" | sed 's/\(^\| \)-/\1--/g')
		for c in go-cpu-labels go-test-cpuprofile go-heap; do
			for kind in top dot; do
				case "$kind/$c/$opts" in dot/go-cpu-labels/*node*|dot/go-heap/*nodecount*) continue ;; esac
				# shellcheck disable=SC2086
				go tool pprof -symbolize=none -$kind $opts "$GRAPHD/$c.pb.gz" > "$T/exp" 2> /dev/null
				# shellcheck disable=SC2086
				"$v/fg-$kind" $ours "$GRAPHD/$c.pb.gz" > "$T/out" 2> "$T/err"
				graph_same "graph/go/$kind/$c/$i" $kind "$T/exp" "$T/out"
			done
		done
	done <<'EOF'
-focus=^main\.
-ignore=^runtime\.
-hide=^runtime\.
-show=^main\.|Count$|^strings\.
-focus=^strings -ignore=Repeat
-nodecount=12
-nodecount=5 -cum
-nodefraction=0 -edgefraction=0
-nodefraction=0.05 -edgefraction=0.02
EOF
}
