/*
 * target_empty.c - a target that does nothing: the engine's own rate, the
 * benchmark's baseline.
 */
#include "entry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
