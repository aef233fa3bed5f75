/*
 * mutate.h - the structure-aware mutator: one implementation behind
 * libFuzzer's LLVMFuzzerCustomMutator/CustomCrossOver (fuzz/lf_mutator.c)
 * and AFL++'s custom mutator API (fuzz/afl_mutator.c).
 *
 * It decodes an input (either binary form, harness/progbin.h) to its
 * program, changes the program, and writes it back in program form. One
 * call in sixteen writes a new program from the decoder instead (what
 * `xmcheck run` generates). Otherwise one to four changes:
 * insert a whole program the decoder makes from the seed (2 to 12 ops in
 * the decoder's coherent sequences; one change in eight while the program
 * is under 24 ops, and always on an empty one), insert one op of such a program (its addresses moved
 * onto ones the program already uses), delete, duplicate or
 * swap ops, re-argue one argument (a boundary value of its kind, a value
 * another op uses, a small step), or flip the profile. Crossover splices a
 * prefix of one program onto a suffix of another. Both are pure functions
 * of their arguments: the same input and seed give the same output.
 */
#ifndef FZ_MUTATE_H
#define FZ_MUTATE_H

#include <stddef.h>
#include <stdint.h>

/* Mutate in into out (at most max bytes); returns the output length (0 if
 * max is too small for any program). */
size_t fz_mutate(const uint8_t *in, size_t len, uint8_t *out, size_t max,
		 uint64_t seed);

/* Splice a and b into out; returns the output length. */
size_t fz_crossover(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen, uint8_t *out, size_t max, uint64_t seed);

#endif /* FZ_MUTATE_H */
