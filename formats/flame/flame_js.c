/*
 * flame_js.c - formats/flame/flame.js as the NUL-terminated string svg_flame_js,
 * assembled in at build time so the script stays a plain source file.
 * (The build runs from the top of the tree; the Makefile makes this object
 * depend on flame.js.)
 */
__asm__(".section .rodata\n"
	".global svg_flame_js\n"
	".type svg_flame_js, @object\n"
	"svg_flame_js:\n"
	".incbin \"formats/flame/flame.js\"\n"
	".byte 0\n"
	".size svg_flame_js, . - svg_flame_js\n"
	".previous\n");
