/* fg-svg - folded stacks to a flame graph (SVG, PNG or PDF). */
#include "cmd/flamecmd.h"

int main(int argc, char **argv)
{
	return fg_flame_main(argc, argv, 0);
}
