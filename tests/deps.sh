#!/bin/sh
# deps.sh PURPOSE... - install the Debian packages fgkit needs, if missing.
#
# PURPOSE: build (compile the tools), test (run the tests and benchmarks;
# clang builds the sanitizer variant), browser (headless Chromium and
# playwright-core from npm for the SVG tests), fuzz (clang and libFuzzer).
# Installs with apt-get when run as root; otherwise prints the command to run.
set -eu

pkgs=
browser=
for purpose in "$@"; do
	case $purpose in
	build) pkgs="$pkgs gcc make libc6-dev pkg-config zlib1g-dev libdw-dev libelf-dev libiberty-dev libcairo2-dev protobuf-c-compiler libprotobuf-c-dev libgraphviz-dev libjson-c-dev" ;;
	test) pkgs="$pkgs binutils libc6-dbg gzip xz-utils clang libclang-rt-dev libxml2-dev poppler-utils fonts-dejavu-core graphviz libxml2-utils" ;;
	fuzz) pkgs="$pkgs clang libclang-rt-dev" ;;
	browser) pkgs="$pkgs chromium nodejs"; browser=1 ;;
	*) echo "deps.sh: unknown purpose '$purpose'" >&2; exit 2 ;;
	esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh: not a Debian system; make sure these (or your" \
	     "distribution's equivalents) are installed:$pkgs" >&2
	exit 0
fi

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	     grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
# The JSON check of fg-diff's report parses with python3; any that runs will do.
case " $* " in *" test "*)
	command -v python3 >/dev/null 2>&1 || missing="$missing python3-minimal" ;;
esac
# npm may come from elsewhere than Debian (a newer one); use whichever runs.
if [ -n "$browser" ] && ! command -v npm >/dev/null 2>&1; then
	missing="$missing npm"
fi

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "deps.sh: missing Debian packages:$missing" >&2
		echo "deps.sh: install them with: sudo apt-get install$missing" >&2
		exit 1
	fi
	# One line per step here; apt's own output to a log, shown on failure.
	log=$(dirname "$0")/../build/deps.log
	mkdir -p "$(dirname "$log")"
	export DEBIAN_FRONTEND=noninteractive
	echo "deps.sh: updating the package lists (apt-get update; log: $log)"
	apt-get update -qq > "$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
	echo "deps.sh: installing:$missing"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >> "$log" 2>&1 ||
		{ tail -20 "$log" >&2; echo "deps.sh: apt-get install failed (log: $log)" >&2; exit 1; }
fi

# go tool pprof checks fg-pprof's output.  It is large and optional: when
# it cannot be installed, that one test prints a SKIP line.
case " $* " in *" test "*)
	if ! command -v go >/dev/null 2>&1; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
			echo "deps.sh: installing: golang-go (for the go tool pprof check)"
			export DEBIAN_FRONTEND=noninteractive
			mkdir -p "$(dirname "$0")/../build"
			{ apt-get install -y -qq --no-install-recommends golang-go ||
			  { apt-get update -qq &&
			    apt-get install -y -qq --no-install-recommends golang-go; }; } \
				>> "$(dirname "$0")/../build/deps.log" 2>&1 ||
				echo "deps.sh: golang-go could not be installed;" \
				     "the go tool pprof check will be skipped" >&2
		else
			echo "deps.sh: no go; the go tool pprof check will be" \
			     "skipped (install golang-go to run it)" >&2
		fi
	fi ;;
esac

# playwright-core drives Debian's chromium; it never downloads a browser.
if [ -n "$browser" ] && [ ! -d "$(dirname "$0")/browser/node_modules/playwright-core" ]; then
	echo "deps.sh: installing playwright-core (npm) in tests/browser"
	(cd "$(dirname "$0")/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
