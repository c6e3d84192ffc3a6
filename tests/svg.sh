# svg.sh - tests of fg-svg and fg-icicle, sourced by run.sh (which defines
# ok, bad, same, expect_error, $T, $TD, and $SVG, $ICICLE for the variant).

SVGF=build/tests/svgframes
PNGPX=build/tests/pngpixel

# compare NAME REF OUT: frames equal (depth, name, samples, delta, fill;
# x and width within 0.5 px)
compare() {
	if $SVGF --compare --fill "$2" "$3" > "$T/cmp" 2>&1; then
		ok "$1"
	else
		bad "$1" "$(head -4 "$T/cmp")"
	fi
}

# Every flame graph of the corpus, and the examples of formats/README.md,
# "Flame graphs (SVG, PNG, PDF)".
test_svg_corpus() {
	local case input opts exp o
	while IFS=$'\t' read -r case input opts exp; do
		[ "$case" = case ] && continue
		o=
		[ "$opts" != - ] && o=$opts
		"$SVG" $o "$TD/svg/$input" > "$T/out.svg" 2> "$T/err"
		compare "svg/corpus/$case" "$TD/svg/$exp" "$T/out.svg"
	done < "$TD/svg/svg.tsv"
	local e=$TD/svg/examples
	"$SVG" "$e/small.folded" > "$T/out.svg" 2> "$T/err"
	compare "svg/small" "$e/small.svg" "$T/out.svg"
	"$SVG" --inverted "$e/small.folded" > "$T/out.svg" 2> "$T/err"
	compare "svg/small-inverted" "$e/small-icicle.svg" "$T/out.svg"
	"$ICICLE" "$e/small.folded" > "$T/out.svg" 2> "$T/err"
	compare "svg/fg-icicle" "$e/small-icicle.svg" "$T/out.svg"
	"$SVG" --hash "$e/small.folded" > "$T/out.svg" 2> "$T/err"
	compare "svg/small-hash" "$e/small-hash.svg" "$T/out.svg"
	"$SVG" "$e/diff.folded" > "$T/out.svg" 2> "$T/err"
	compare "svg/diff" "$e/diff.svg" "$T/out.svg"
	"$SVG" --negate "$e/diff.folded" > "$T/out.svg" 2> "$T/err"
	compare "svg/diff-negate" "$e/diff-negate.svg" "$T/out.svg"
	# The exact bytes flamegraph.pl writes for a frame (formats/README.md,
	# "Flame graph: SVG document").
	"$SVG" "$e/small.folded" > "$T/out.svg"
	if grep -qxF '<title>b (60 samples, 60.00%)</title><rect x="10.0" y="37" width="708.0" height="15.0" fill="rgb(230,117,28)" rx="2" ry="2" />' "$T/out.svg"; then
		ok "svg/frame-markup"
	else
		bad "svg/frame-markup" "$(grep -A1 '<title>b ' "$T/out.svg")"
	fi
}

# The same input gives the same bytes; inputs merge; gzip is read.
test_svg_io() {
	local in=$TD/svg/systemwide-all-hash.folded
	"$SVG" "$in" > "$T/a.svg" 2> "$T/err"
	"$SVG" < "$in" > "$T/b.svg" 2> "$T/err"
	same "svg/deterministic" "$T/a.svg" "$T/b.svg"
	gzip -c "$in" > "$T/in.gz"
	"$SVG" "$T/in.gz" > "$T/b.svg" 2> "$T/err"
	same "svg/gzip-input" "$T/a.svg" "$T/b.svg"
	head -n 100 "$in" > "$T/p1"
	tail -n +101 "$in" > "$T/p2"
	"$SVG" "$T/p2" "$T/p1" > "$T/b.svg" 2> "$T/err"
	same "svg/files-merged" "$T/a.svg" "$T/b.svg"
	"$SVG" -o "$T/o.svg" "$in" 2> "$T/err"
	same "svg/output-file" "$T/a.svg" "$T/o.svg"
	if "$SVG" -o "$T/o.svg" "$T/missing" 2> /dev/null || ! cmp -s "$T/a.svg" "$T/o.svg"; then
		bad "svg/output-kept-on-error" "a failed run changed the -o file"
	else
		ok "svg/output-kept-on-error"
	fi
}

# Empty and malformed input.
test_svg_errors() {
	# An output name's suffix says the format; one that is none is refused
	# (an SVG named .jpg is not what it says), unless --format is given.
	rm -f "$T/out.jpg"
	expect_error "svg/unknown-extension" 2 "-o .*out.jpg: unknown format 'jpg'" -- \
		"$SVG" -o "$T/out.jpg" "$TD/svg/examples/small.folded"
	[ -e "$T/out.jpg" ] && bad "svg/unknown-extension-no-file" "out.jpg was written"
	if "$SVG" -f svg -o "$T/out.jpg" "$TD/svg/examples/small.folded" 2> "$T/err" &&
	   $SVGF "$T/out.jpg" > /dev/null; then
		ok "svg/extension-overridden"
	else
		bad "svg/extension-overridden" "$(head -2 "$T/err")"
	fi
	: > "$T/empty"
	expect_error "svg/empty" 2 'no valid input' -- "$SVG" "$T/empty"
	if grep -q 'ERROR: No valid input provided' "$T/out" && $SVGF "$T/out" > /dev/null; then
		ok "svg/empty-document"
	else
		bad "svg/empty-document" "$(head -c 300 "$T/out")"
	fi
	printf 'a;b 3\nno count here\na;c 2\n' > "$T/bad"
	"$SVG" "$T/bad" > "$T/out" 2> "$T/err"
	if [ $? -eq 0 ] && grep -q 'bad:2: malformed line' "$T/err" &&
	   [ "$($SVGF "$T/out" | wc -l)" -eq 4 ]; then
		ok "svg/malformed-line-skipped"
	else
		bad "svg/malformed-line-skipped" "$(cat "$T/err")"
	fi
	expect_error "svg/strict" 1 'bad:2: malformed line' -- "$SVG" --strict "$T/bad"
	expect_error "svg/bad-width" 2 'width' -- "$SVG" --width=abc "$T/bad"
	expect_error "svg/bad-colors" 2 'palette' -- "$SVG" --colors=nope "$T/bad"
	expect_error "svg/bad-notes" 2 'notes' -- "$SVG" --notes='a<b' "$T/bad"
	# --fonttype goes into the <style>: a font-family list only.
	expect_error "svg/bad-fonttype" 2 "^fg-svg: --fonttype: 'x;} text \\{ fill:red' is not a font-family list" -- \
		"$SVG" --fonttype='x;} text { fill:red' "$T/bad"
	expect_error "svg/bad-fonttype-url" 2 "--fonttype: .* is not a font-family list" -- \
		"$SVG" --fonttype='a, url(https://x/f.woff)' "$T/bad"
	"$SVG" --fonttype=$'"Noto Sans CJK", Font-2 x, \'My.Font\', serif' "$T/bad" > "$T/out" 2> /dev/null
	if grep -q "text { font-family:&quot;Noto Sans CJK&quot;, Font-2 x, 'My.Font', serif; " "$T/out"; then
		ok "svg/fonttype-list"
	else
		bad "svg/fonttype-list" "$(grep -m1 'font-family' "$T/out")"
	fi
	expect_error "svg/bad-format" 2 'format' -- "$SVG" -f gif "$T/bad"
	expect_error "svg/bad-option" 2 'unrecognized' -- "$SVG" --frobnicate "$T/bad"
	expect_error "svg/missing-file" 1 'nonexistent' -- "$SVG" "$T/nonexistent"
}

# Names are arbitrary bytes: the document stays well-formed and no name
# becomes markup.
test_svg_escaping() {
	printf '%s\n' \
		'main;</script><script>alert(1)</script> 10' \
		'main;a<b>&"q'"'"' 5' \
		'main;]]><x/> 4' \
		"main;$(printf 'bad\377utf8\001ctl') 3" \
		'main;caf\xc3\xa9 2' > "$T/evil"
	"$SVG" --title='<T&>' --subtitle='"s"' "$T/evil" > "$T/out.svg" 2> "$T/err"
	if ! $SVGF "$T/out.svg" > "$T/frames" 2> "$T/err"; then
		bad "svg/escaping-well-formed" "$(cat "$T/err")"
		return
	fi
	ok "svg/escaping-well-formed"
	if [ "$($SVGF --scripts "$T/out.svg")" = 1 ] &&
	   grep -qF '</script><script>alert(1)</script>' "$T/frames" &&
	   grep -qF 'a<b>&"q'"'" "$T/frames" && grep -qF ']]><x/>' "$T/frames"; then
		ok "svg/escaping-names-kept"
	else
		bad "svg/escaping-names-kept" "$(cut -f2 "$T/frames")"
	fi
	if grep -q "$(printf 'bad\357\277\275utf8\357\277\275ctl')" "$T/frames"; then
		ok "svg/escaping-invalid-utf8"
	else
		bad "svg/escaping-invalid-utf8" "$(cut -f2 "$T/frames" | od -c | head -5)"
	fi
	# The options' text goes through the same escapers: --countname and
	# --nametype with invalid UTF-8 (in titles and in the script's
	# settings), and --notes with "--", which would break its comment.
	"$SVG" --countname=$'x\377y' --nametype=$'F\303(' --notes='a--b---c-' \
		--title=$'t\376<' "$T/evil" > "$T/opts.svg" 2> "$T/err"
	if xmllint --noout "$T/opts.svg" 2> "$T/xerr" &&
	   [ "$(xpath "$T/opts.svg" 'string(//comment()[2])')" = ' NOTES: a- -b- - -c- ' ] &&
	   grep -q "<title>all (24 x$(printf '\357\277\275')y, 100%)</title>" "$T/opts.svg" &&
	   grep -qF 'nametype: "F\ufffd(", countname: "x\ufffdy"' "$T/opts.svg"; then
		ok "svg/escaping-options"
	else
		bad "svg/escaping-options" "$(head -2 "$T/xerr")" "$(grep -a -m1 NOTES "$T/opts.svg")"
	fi
	"$SVG" --no-javascript "$T/evil" > "$T/nojs.svg" 2> "$T/err"
	if [ "$($SVGF --scripts "$T/nojs.svg")" = 0 ] && ! grep -q 'onload' "$T/nojs.svg"; then
		ok "svg/no-javascript"
	else
		bad "svg/no-javascript" "a script is still there"
	fi
}

# xpath FILE EXPR: what xmllint says EXPR is in FILE
xpath() { xmllint --xpath "$2" "$1" 2> /dev/null; }

# frames FILE: "name samples" of each frame, sorted
frame_list() { $SVGF "$1" | awk -F'\t' '{ print $1, $2, $3 }' | sort; }

# flamegraph.pl merges only lines adjacent after sorting them as strings,
# so "foo" is cut in two boxes around "foo.bar" (formats/README.md, "Flame
# graph: reference bug fixed"), each pruned alone by --minwidth: with 4
# samples of foo;x, 2 of foo and 100 of foo.bar, a --minwidth of 3% drops
# both of foo's boxes (2% and 4%) though foo has 6%.  fgkit draws one box.
test_svg_continuous_column() {
	printf 'main;foo 2\nmain;foo.bar 94\nmain;foo;x 4\n' > "$T/col.folded"
	"$SVG" --minwidth=3% "$T/col.folded" > "$T/col.svg" 2> "$T/err"
	$SVGF "$T/col.svg" > "$T/frames"
	if [ "$(awk -F'\t' '$2 == "foo"' "$T/frames" | wc -l)" -eq 1 ] &&
	   awk -F'\t' '$2 == "foo" && $3 == 6 { f = 1 } $2 == "x" && $1 == 3 && $3 == 4 { x = 1 }
		END { exit !(f && x) }' "$T/frames"; then
		ok "svg/fixed/continuous-column"
	else
		bad "svg/fixed/continuous-column" "$(cat "$T/frames")"
	fi
}

test_svg_options() {
	local e=$TD/svg/examples/small.folded h
	"$SVG" --subtitle=sub "$e" > "$T/out.svg"
	h=$(sed -n 's/.*<svg [^>]* height="\([0-9.]*\)".*/\1/p' "$T/out.svg")
	if [ "$h" = 158 ] && grep -q '<text id="subtitle" x="600.00" y="48" >sub</text>' "$T/out.svg"; then
		ok "svg/subtitle"
	else
		bad "svg/subtitle" "height $h"
	fi
	# Verdana, then Debian's fonts-dejavu-core, then any sans-serif: a
	# browser without Verdana drew the labels in its serif default.
	"$SVG" "$e" > "$T/out.svg"
	if grep -qF "	text { font-family:Verdana, 'DejaVu Sans', sans-serif; font-size:12px; " "$T/out.svg"; then
		ok "svg/default-font-fallbacks"
	else
		bad "svg/default-font-fallbacks" "$(grep -m1 'font-family' "$T/out.svg")"
	fi
	"$SVG" --title='My <title>' --width=600 --height=20 --fontsize=10 "$e" > "$T/out.svg"
	if grep -q 'id="title" x="300.00" y="20" >My &lt;title&gt;<' "$T/out.svg" &&
	   grep -q '<title>all (100 samples, 100%)</title><rect x="10.0" y="[0-9]*" width="580.0" height="19.0"' "$T/out.svg"; then
		ok "svg/title-width-height"
	else
		bad "svg/title-width-height" "$(grep -m1 '<title>all' "$T/out.svg")"
	fi
	"$SVG" --minwidth=5% "$e" > "$T/out.svg"
	if [ "$(frame_list "$T/out.svg" | grep -c ' e ')" = 0 ] &&
	   [ "$(frame_list "$T/out.svg" | grep -c ' d ')" = 1 ]; then
		ok "svg/minwidth-percent"
	else
		bad "svg/minwidth-percent" "$(frame_list "$T/out.svg")"
	fi
	"$SVG" --total=200 --factor=3 --countname=bytes "$e" > "$T/out.svg"
	if grep -q '<title>a (270 bytes, 45.00%)</title><rect x="10.0" y="53" width="531.0"' "$T/out.svg"; then
		ok "svg/total-factor-countname"
	else
		bad "svg/total-factor-countname" "$(grep -m1 '<title>a ' "$T/out.svg")"
	fi
	"$SVG" --sort=weight "$e" > "$T/out.svg"
	if grep -q '<title>d (9 samples, 9.00%)</title><rect x="1072.0"' "$T/out.svg"; then
		printf 'm;a 1\nm;z 5\n' > "$T/w"
		"$SVG" --sort=weight "$T/w" > "$T/out.svg"
		if grep -q '<title>z (5 samples, 83.33%)</title><rect x="10.0"' "$T/out.svg"; then
			ok "svg/sort-weight"
		else
			bad "svg/sort-weight" "$(grep '<title>z' "$T/out.svg")"
		fi
	else
		bad "svg/sort-weight" "$(grep '<title>d' "$T/out.svg")"
	fi
	"$SVG" --base='^a$' "$e" > "$T/out.svg"
	if [ "$(frame_list "$T/out.svg" | tr '\n' '|')" = "0 all 90|1 a 90|2 b 60|2 c 30|" ]; then
		ok "svg/base"
	else
		bad "svg/base" "$(frame_list "$T/out.svg" | tr '\n' '|')"
	fi
	"$SVG" --reverse "$e" > "$T/out.svg"
	if [ "$(frame_list "$T/out.svg" | grep -c '^1 ')" = 4 ]; then
		ok "svg/reverse"
	else
		bad "svg/reverse" "$(frame_list "$T/out.svg" | tr '\n' '|')"
	fi
	printf 'j;java/lang/Thread.run 3\nj;Interpreter 2\nj;do_syscall_64_[k] 1\n' > "$T/java"
	"$SVG" --colors=java --bgcolors=blue "$T/java" > "$T/out.svg"
	if grep -q 'Thread.run (3 samples.*fill="rgb(\(5[0-9]\|[6-9][0-9]\|10[0-9]\),2[0-5][0-9],' "$T/out.svg" &&
	   grep -q 'do_syscall_64 (1 samples.*fill="rgb(\(19[0-9]\|2[0-5][0-9]\),\(9[0-9]\|1[0-5][0-9]\),0)' "$T/out.svg" &&
	   grep -q 'stop-color="#e0e0ff"' "$T/out.svg"; then
		ok "svg/colors-java-bgcolors"
	else
		bad "svg/colors-java-bgcolors" "$(grep '<title>' "$T/out.svg" | head -4)"
	fi
	(cd "$T" && rm -f palette.map && "$OLDPWD/$SVG" --cp "$OLDPWD/$e" > cp1.svg &&
	 sed 's/^main->.*/main->rgb(1,2,3)/' palette.map > p && mv p palette.map &&
	 "$OLDPWD/$SVG" --cp "$OLDPWD/$e" > cp2.svg)
	if grep -q '^b->rgb(230,117,28)$' "$T/palette.map" &&
	   grep -q '<title>main (100 samples, 100.00%)</title>.*fill="rgb(1,2,3)"' "$T/cp2.svg"; then
		ok "svg/cp-palette-map"
	else
		bad "svg/cp-palette-map" "$(head -3 "$T/palette.map" 2>&1)"
	fi
	printf 'b\thref=https://example.com/?a=1&b=2\tclass=hot\n' > "$T/attrs"
	"$SVG" --nameattr="$T/attrs" --notes='hello' --encoding=iso-8859-1 \
		--search-color='rgb(1,2,3)' --stroke-color=black "$e" > "$T/out.svg"
	if grep -q '^<a xlink:href="https://example.com/?a=1&amp;b=2" class="hot" target="_top">$' "$T/out.svg" &&
	   grep -q '<!-- NOTES: hello -->' "$T/out.svg" &&
	   grep -q '<?xml version="1.0" encoding="iso-8859-1" standalone="no"?>' "$T/out.svg" &&
	   grep -q 'searchcolor: "rgb(1,2,3)"' "$T/out.svg" &&
	   grep -q '#frames rect { stroke:black' "$T/out.svg" && $SVGF "$T/out.svg" > /dev/null; then
		ok "svg/nameattr-notes-encoding-colours"
	else
		bad "svg/nameattr-notes-encoding-colours" "$(grep -m2 '<a\|NOTES' "$T/out.svg")"
	fi
	# Attribute values with quotes and markup stay values: the document
	# is well-formed, no attribute is injected, and each value and the
	# title come back as they were written.
	printf 'b\thref=https://x/?q="onclick="alert(1)\ttitle=say "hi" <b> & '"'"'x'"'"'\tclass=a"b\n' > "$T/attrs"
	"$SVG" --nameattr="$T/attrs" "$TD/svg/examples/small.folded" > "$T/out.svg" 2> "$T/err"
	if xmllint --noout "$T/out.svg" 2> "$T/xerr" &&
	   [ "$(xmllint --xpath 'string(//*[local-name()="a"]/@*[local-name()="href"])' "$T/out.svg")" = 'https://x/?q="onclick="alert(1)' ] &&
	   [ "$(xmllint --xpath 'string(//*[local-name()="a"]/@class)' "$T/out.svg")" = 'a"b' ] &&
	   [ "$(xmllint --xpath 'count(//*[local-name()="a"]/@*)' "$T/out.svg")" = 3 ] &&
	   [ "$(xmllint --xpath 'string(//*[local-name()="a"]/*[local-name()="title"])' "$T/out.svg")" = "say \"hi\" <b> & 'x'" ]; then
		ok "svg/nameattr-escaped"
	else
		bad "svg/nameattr-escaped" "$(head -2 "$T/xerr")" "$(grep -m1 -A1 '<a ' "$T/out.svg")"
	fi
	# Only inert attributes are written: flamegraph.pl writes any, so an
	# onmouseover or a javascript: link ran script in the browser.  Each
	# other one is refused with a warning naming the file and line.
	printf '%s\n' \
		$'b\tonmouseover=alert(1)\tclass=hot\tdata-n=1\tstyle=fill:rgb(1,2,3)' \
		$'c\txlink:href=javascript:alert(2)\tstyle=fill:url(https://x/)\tonclick=alert(3)' \
		$'d\thref= javascript:alert(4)\tstyle=fill:\\75rl(x)\ttarget=_blank' \
		$'e\thref=JaVaScRiPt:alert(5)\tclass=x\tclass=y' \
		$'a\thref=../a.html#x' > "$T/attrs"
	"$SVG" --nameattr="$T/attrs" "$e" > "$T/out.svg" 2> "$T/err"
	if xmllint --noout "$T/out.svg" 2> /dev/null &&
	   [ "$(xpath "$T/out.svg" 'count(//*[@id="frames"]//@*[starts-with(local-name(), "on")])')" = 0 ] &&
	   [ "$(xpath "$T/out.svg" 'count(//*[@id="frames"]//@*[contains(translate(., "JAVSCRIPT", "javscript"), "script:")])')" = 0 ] &&
	   [ "$(xpath "$T/out.svg" 'count(//*[@id="frames"]//@*[contains(., "url(") or contains(., "\")])')" = 0 ] &&
	   [ "$(xpath "$T/out.svg" 'count(//*[@class="hot"][@data-n="1"][@style="fill:rgb(1,2,3)"])')" = 1 ] &&
	   [ "$(xpath "$T/out.svg" 'count(//*[@class="x"])')" = 1 ] &&
	   [ "$(xpath "$T/out.svg" 'count(//*[local-name()="a"])')" = 1 ] &&
	   [ "$(xpath "$T/out.svg" 'string(//*[local-name()="a"]/@*[local-name()="href"])')" = '../a.html#x' ] &&
	   [ "$(wc -l < "$T/err")" = 8 ] &&
	   [ "$(grep -c "^fg-svg: --nameattr: $T/attrs:[1-4]: attribute '[a-z:]*' \(refused\|given again\)" "$T/err")" = 8 ] &&
	   grep -q "attrs:1: attribute 'onmouseover' refused" "$T/err" &&
	   grep -q "attrs:3: attribute 'href' refused" "$T/err" &&
	   grep -q "attrs:4: attribute 'class' given again" "$T/err"; then
		ok "svg/nameattr-inert-only"
	else
		bad "svg/nameattr-inert-only" "$(head -3 "$T/err")" "$(grep -m3 '^<[ag] ' "$T/out.svg")"
	fi
	printf 'm;abcdefghijklmnopqrstuvwxyz_[k] 1\n' > "$T/long"
	"$SVG" --width=120 --truncate-text-left "$T/long" > "$T/out.svg"
	"$SVG" --width=120 "$T/long" > "$T/right.svg"
	if grep -q '>..opqrstuvwxyz</text>' "$T/out.svg" &&
	   grep -q '>abcdefghijkl..</text>' "$T/right.svg"; then
		ok "svg/truncate-text"
	else
		bad "svg/truncate-text" "$(grep '</text>' "$T/out.svg" | tail -2)"
	fi
	# A flame chart keeps input order: a stack seen twice is two boxes.
	printf 'm;a 1\nm;b 1\nm;a 1\n' > "$T/chart"
	"$SVG" --flamechart "$T/chart" > "$T/out.svg"
	if [ "$(grep -c '<title>a (1 samples' "$T/out.svg")" = 2 ] &&
	   grep -q 'id="title" [^>]*>Flame Chart<' "$T/out.svg"; then
		ok "svg/flamechart-order"
	else
		bad "svg/flamechart-order" "$(grep '<title>' "$T/out.svg")"
	fi
	# --diff-color=total colours a parent by everything under it.
	printf 'm;a;x 10 30\nm;b 5 5\n' > "$T/d"
	"$SVG" --diff-color=total "$T/d" > "$T/out.svg"
	if grep -q '<title>a (30 samples, 85.71%; +57.14%)</title>.*fill="rgb(255,0,0)"' "$T/out.svg" &&
	   grep -q '<title>b (5 samples, 14.29%; 0.00%)</title>.*fill="rgb(255,255,255)"' "$T/out.svg"; then
		ok "svg/diff-color-total"
	else
		bad "svg/diff-color-total" "$(grep '<title>a' "$T/out.svg")"
	fi
}

# PNG and PDF: the same layout, drawn with cairo, decoded here.
test_svg_images() {
	local e=$TD/svg/examples/small.folded px
	"$SVG" -o "$T/s.png" "$e" 2> "$T/err"
	px=$($PNGPX "$T/s.png" 20 92 600 60 1100 62 1182 62 | tr '\n' '|')
	# all, a, d and e of small.svg: rgb(213,39,9) (236,146,35) (217,57,13) (211,28,6)
	if [ "$px" = "1200 134|213 39 9|236 146 35|217 57 13|211 28 6|" ]; then
		ok "svg/png"
	else
		bad "svg/png" "$px"
	fi
	# cairo takes the first installed family of a --fonttype list, as CSS
	# does (its toy API took the list for one name, matching nothing), and
	# the default list draws sans-serif where Verdana is missing.
	"$SVG" --fonttype='DejaVu Serif, sans-serif' -o "$T/f1.png" "$e" 2> "$T/err"
	"$SVG" --fonttype='DejaVu Serif' -o "$T/f2.png" "$e" 2>> "$T/err"
	"$SVG" -o "$T/f3.png" "$e" 2>> "$T/err"
	if [ -s "$T/f1.png" ] && cmp -s "$T/f1.png" "$T/f2.png" && ! cmp -s "$T/f2.png" "$T/f3.png"; then
		ok "svg/png-font-list"
	else
		bad "svg/png-font-list" "$(md5sum "$T"/f[123].png)" "$(head -2 "$T/err")"
	fi
	# A label is fitted to its frame as in the SVG (cut with "..") and
	# clipped to it: wide glyphs past the estimate leave no ink on the
	# background beside the frame.  "WWW.." in a 38 px frame (x 10 to 48,
	# y 37 to 52; nothing drawn right of it at that depth) is 44 px wide.
	printf 'm;a;%s 1\nm;b 9\n' "$(printf 'W%.0s' {1..32})" > "$T/w.folded"
	"$SVG" --width=400 -o "$T/w.png" "$T/w.folded" 2> "$T/err"
	local y x args want got
	for y in 40 43 46 49; do
		args=
		for x in 49 51 53 55 57 59 61; do args="$args $x $y"; done
		want=$($PNGPX "$T/w.png" 150 $y | sed -n 2p)
		got=$($PNGPX "$T/w.png" $args | sed 1d | sort -u)
		[ "$got" = "$want" ] || break
	done
	if [ "$got" = "$want" ] && "$SVG" --width=400 "$T/w.folded" | grep -q '>WWW\.\.</text>'; then
		ok "svg/png-label-clipped"
	else
		bad "svg/png-label-clipped" "row $y: background $want, beside the frame: $got"
	fi
	"$SVG" -f pdf "$e" > "$T/s.pdf" 2> "$T/err"
	if ! command -v pdftoppm > /dev/null; then
		bad "svg/pdf" "pdftoppm (poppler-utils) is missing"
		return
	fi
	pdftoppm -png -r 72 -singlefile "$T/s.pdf" "$T/pdf" 2> "$T/err"
	px=$($PNGPX "$T/pdf.png" 20 92 600 60 1100 62 | tr '\n' '|')
	if [ "$(head -c 5 "$T/s.pdf")" = "%PDF-" ] && [ "$px" = "1200 134|213 39 9|236 146 35|217 57 13|" ]; then
		ok "svg/pdf"
	else
		bad "svg/pdf" "$px"
	fi
	"$ICICLE" -o "$T/i.png" "$e" 2> "$T/err"
	px=$($PNGPX "$T/i.png" 20 40 20 92 | tr '\n' '|')
	if [ "$px" = "1200 134|213 39 9|230 117 28|" ]; then
		ok "svg/icicle-png"
	else
		bad "svg/icicle-png" "$px"
	fi
	: > "$T/empty"
	"$SVG" -o "$T/e.png" "$T/empty" 2> /dev/null
	if [ $? -eq 2 ] && [ "$($PNGPX "$T/e.png")" = "1200 60" ]; then
		ok "svg/png-empty"
	else
		bad "svg/png-empty" "no error image"
	fi
}

# The interactive SVG in headless Chromium (tests/browser/flame.mjs).
test_svg_browser() {
	local d=$T/browser in=$TD/svg/systemwide-all-hash.folded st
	if [ ! -d tests/browser/node_modules/playwright-core ] || ! command -v node > /dev/null; then
		bad "browser" "playwright-core or node missing (make test installs them: tests/deps.sh browser)"
		return
	fi
	mkdir -p "$d"
	"$SVG" "$in" > "$d/real.svg"
	# The share of samples whose stack has a frame starting "do_sys"
	# (annotations like _[k] are not part of the names searched).
	awk -v re='^do_sys' '{ n = $NF; s = $0; sub(/ [0-9.]+$/, "", s);
		k = split(s, f, ";"); hit = 0
		for (i = 1; i <= k; i++) { sub(/_\[[kjiw]\]$/, "", f[i]); if (f[i] ~ re) hit = 1 }
		all += n; if (hit) m += n }
		END { printf "^do_sys %.2f\n", 100 * m / all }' "$in" > "$d/real.expect"
	# 100,551 frames of many widths: 5,000 become elements, the rest data.
	awk 'BEGIN { for (i = 0; i < 50000; i++)
		printf "r;a%d;b%d;c%d;d%d %d\n", i % 50, i % 500, i, i, i % 13 + 1 }' |
		"$SVG" --minwidth=0 > "$d/big.svg"
	printf '%s\n' 'main;</script><script>alert(1)</script> 10' \
		'main;<img src=x onerror=alert(2)> 5' 'main;a&amp;"'"'"' 5' > "$T/evil"
	"$SVG" "$T/evil" > "$d/evil.svg"
	printf '%s\n' $'a\tonmouseover=alert(3)\tclass=x' $'b\thref=javascript:alert(4)' \
		$'c\txlink:href=javascript:alert(5)\tonclick=alert(6)' > "$T/attrs"
	printf 'main;a 5\nmain;b 5\nmain;c 5\n' | "$SVG" -q --nameattr="$T/attrs" > "$d/nameattr.svg"
	awk 'BEGIN { for (i = 0; i < 150; i++) printf "f%d%s", i, i < 149 ? ";" : " 1\n" }' > "$T/deep"
	"$SVG" "$T/deep" > "$d/deep.svg"
	"$ICICLE" "$T/deep" > "$d/deep-icicle.svg"
	# A Go CPU profile, in seconds: every frame an element (titles written
	# by fg-svg), and all but the root from the data block (by the script).
	"$SVG" --dom-frames=0 "$TD/pprof/go-cpu-basic.pb.gz" > "$d/units-all.svg"
	"$SVG" --dom-frames=1 "$TD/pprof/go-cpu-basic.pb.gz" > "$d/units.svg"
	node tests/browser/flame.mjs "$d" > "$T/browser.out" 2>&1
	st=$?
	# as many results as the script has checks
	sub_results browser "$(grep -c '^	*check("' tests/browser/flame.mjs)" "$st" \
		"$T/browser.out"
}

# Large graphs: the widest frames are elements, all of them are data.
test_svg_dom_budget() {
	local in=$TD/svg/systemwide-all-hash.folded n all
	"$SVG" --dom-frames=100 "$in" > "$T/d.svg" 2> "$T/err"
	n=$($SVGF "$T/d.svg" | wc -l)
	all=$("$SVG" "$in" | $SVGF /dev/stdin | wc -l)
	if [ "$n" -gt 10 ] && [ "$n" -le 100 ] && grep -q '<metadata id="fg-data">{"k":8,' "$T/d.svg" &&
	   [ "$(awk '/^"frames":\[/ { f = 1 } f && /^("frames"|[0-9])/ { c++ }
		     /<\/metadata>/ { f = 0 } END { print c }' "$T/d.svg")" -eq "$all" ]; then
		ok "svg/dom-budget"
	else
		bad "svg/dom-budget" "$n elements of $all frames"
	fi
}
