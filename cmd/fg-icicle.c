/* fg-icicle - folded stacks to an icicle chart: a flame graph, root on top. */
#include "cmd/flamecmd.h"

int main(int argc, char **argv)
{
	return fg_flame_main(argc, argv, 1);
}
