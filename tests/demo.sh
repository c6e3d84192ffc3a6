#!/bin/sh
# demo.sh - what `make run` does: the whole pipeline.  fg-record profiles a
# small bundled workload (testdata/src/demo.c, built with frame pointers);
# where recording is not permitted it says why and takes a bundled
# recording instead.  fg-collapse folds it into out.folded (for other
# tools); fg-svg draws out.svg and out.png from the recording itself, so its
# counts show as the time they are.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build/demo
out=out.folded
cc -O1 -g -fno-omit-frame-pointer -fno-inline -fno-optimize-sibling-calls \
	-o build/demo/demo testdata/src/demo.c
if bin/fg-record -F 499 -o build/demo/demo.perf -- build/demo/demo 2 > /dev/null \
	2> build/demo/record.log && [ -s build/demo/demo.perf ]; then
	echo "recorded: fg-record -F 499 -o build/demo/demo.perf -- build/demo/demo 2"
	sed 's/^/  /' build/demo/record.log
	input=build/demo/demo.perf
else
	echo "recording is not possible here:"
	sed 's/^/  /' build/demo/record.log
	echo "using a bundled recording instead (testdata/perf/recorded/c-callstruct.perf.txt.gz)"
	input=testdata/perf/recorded/c-callstruct.perf.txt.gz
fi
bin/fg-collapse perf -o "$out" "$input"
echo "wrote $out: $(wc -l < "$out") stacks; the heaviest:"
awk '{ print $NF "\t" $0 }' "$out" | sort -rn | cut -f2- | awk '{ print "  " $0 }' | head -5
bin/fg-svg -o out.svg --title="fgkit demo" "$input"
bin/fg-svg -o out.png --title="fgkit demo" "$input"
echo "wrote out.svg (open it in a browser: hover, click to zoom, Ctrl-F to search) and out.png"
