#!/bin/sh
# demo.sh - what `make run` does: profile a small bundled workload with
# perf if it is installed and permitted, else use a bundled recording,
# fold the result into out.folded and draw it as out.svg and out.png.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build/demo
out=out.folded
if command -v perf > /dev/null 2>&1 &&
   cc -O1 -g -fno-omit-frame-pointer -fno-inline -o build/demo/demo testdata/src/demo.c 2> /dev/null &&
   perf record -q -F 99 -g -o build/demo/perf.data -- build/demo/demo 2 > /dev/null 2> build/demo/record.log &&
   perf script -i build/demo/perf.data > build/demo/demo.perf 2> /dev/null &&
   [ -s build/demo/demo.perf ]; then
	echo "recorded: perf record -F 99 -g -- build/demo/demo 2"
	input=build/demo/demo.perf
else
	echo "perf is not installed or not permitted here;" \
	     "using a bundled recording (testdata/perf/recorded/c-callstruct.perf.txt.gz)"
	input=testdata/perf/recorded/c-callstruct.perf.txt.gz
fi
bin/fg-collapse perf -o "$out" "$input"
echo "wrote $out: $(wc -l < "$out") stacks; the heaviest:"
awk '{ print $NF "\t" $0 }' "$out" | sort -rn | cut -f2- | awk '{ print "  " $0 }' | head -5
bin/fg-svg -o out.svg --title="fgkit demo" "$out"
bin/fg-svg -o out.png --title="fgkit demo" "$out"
echo "wrote out.svg (open it in a browser: hover, click to zoom, Ctrl-F to search) and out.png"
