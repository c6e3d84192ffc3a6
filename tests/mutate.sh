#!/bin/bash
# mutate.sh - make mutate: apply each one-line mutation of tests/mutations.tsv
# to a copy of the tree, build, run the fast test variant (the normal build
# only) and report whether the tests caught it.  Exits non-zero if one
# survived, if one no longer applies (the code it names changed), or if the
# unmutated copy does not pass.
#
#   tests/mutate.sh [PATTERN]    only the mutations whose line matches
set -u
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C

W=$(mktemp -d "${TMPDIR:-/tmp}/fgkit-mutate.XXXXXX")
trap 'rm -rf "$W"' EXIT
# The project's files as they are now (edits and new files included), and
# what the tests use that git does not track: the browser driver's modules.
git ls-files -z --cached --others --exclude-standard |
	tar --null -T - -cf - | tar -xf - -C "$W"
[ -d tests/browser/node_modules ] && ln -s "$PWD/tests/browser/node_modules" "$W/tests/browser/node_modules"
TOOLS="build/tests/measure build/tests/svgframes build/tests/pngpixel build/tests/gperfdump build/tests/split build/tests/perfsym"

# run LABEL: build and test the copy; sets failed to the failure count, or
# -1 if it did not build.
run() {
	if ! make -s -C "$W" all $TOOLS > "$W/build.log" 2>&1; then
		failed=-1
		return
	fi
	(cd "$W" && FG_VARIANTS=bin tests/run.sh) > "$W/test.log" 2>&1
	failed=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p' "$W/test.log" | tail -1)
	[ -n "$failed" ] || failed=-1
}

start=$(date +%s)
run
if [ "$failed" != 0 ]; then
	echo "mutate: the unmodified tree does not pass ($failed); see:"
	grep '^FAIL' "$W/test.log" | head -5
	exit 1
fi
echo "mutate: baseline passes ($(( $(date +%s) - start )) s)"

caught=0 survived=0 stale=0 n=0
while IFS=$'\t' read -r file expr what; do
	case $file in ''|\#*) continue ;; esac
	[ $# -gt 0 ] && ! printf '%s\t%s\t%s\n' "$file" "$expr" "$what" | grep -q -- "$1" && continue
	n=$((n + 1))
	t0=$(date +%s)
	cp "$file" "$W/$file.orig"
	perl -0pi -e "$expr" "$W/$file"
	if cmp -s "$file" "$W/$file"; then
		echo "STALE    $file: $what (the pattern no longer matches)"
		stale=$((stale + 1))
	else
		run
		dt=$(( $(date +%s) - t0 ))
		if [ "$failed" -gt 0 ]; then
			echo "caught   $file: $what ($failed failures, $dt s)"
			caught=$((caught + 1))
		elif [ "$failed" -lt 0 ]; then
			echo "caught   $file: $what (does not build or run, $dt s)"
			caught=$((caught + 1))
		else
			echo "SURVIVED $file: $what ($dt s)"
			survived=$((survived + 1))
		fi
	fi
	mv "$W/$file.orig" "$W/$file"
	touch "$W/$file"	# rebuilt from the original next time
done < tests/mutations.tsv
echo "mutate: $n mutations, $caught caught, $survived survived, $stale stale," \
     "$(( $(date +%s) - start )) s"
[ "$survived" -eq 0 ] && [ "$stale" -eq 0 ]
