/* flamecmd.h - the body of fg-svg and fg-icicle. */
#ifndef FG_FLAMECMD_H
#define FG_FLAMECMD_H

/* Run the flame graph command; icicle sets the icicle defaults. */
int fg_flame_main(int argc, char **argv, int icicle);

#endif
