/*
 * progbin.h - the binary form of a program: what a fuzzing engine stores.
 *
 * An input is a header byte, then a body:
 *
 *   header bit 0    profile: 0 power, 1 powerpc
 *   header bit 7    form: 0 decoder bytes, 1 program form
 *
 * Decoder bytes are read by xmp_decode() (harness/decode.c) as `xmcheck run`
 * reads its PRNG stream, with every capability allowed (XMC_CAP_ALL), so an
 * input means one program whatever implementation runs it; an
 * implementation lacking a step stops there (unsupported), as in the corpus.
 *
 * The program form is exact: per op a code byte (taken modulo XMP_NCODES),
 * then each argument as 4 little-endian bytes (none for an always-zero
 * argument), folded into the argument's range; zeros past the end. Every
 * program encodes, every byte string decodes to a valid program (xmp_valid),
 * so text seeds convert without loss and a structure-aware mutator can work
 * on programs and write them back.
 *
 * A file is taken as binary when it is not named *.prog (program texts
 * are; a damaged one gets the text reader's error) and holds a byte that is
 * neither printable ASCII nor a tab, CR or LF (program texts never do); the
 * program-form header (0x80 | profile) always qualifies. Engines name their
 * files crash-<sha1>, id:..., so they load as binary.
 */
#ifndef XMP_PROGBIN_H
#define XMP_PROGBIN_H

#include <stddef.h>
#include <stdint.h>

#include "prog.h"

#define XMP_BIN_PROGFORM 0x80 /* header bit: program form follows */
#define XMP_BIN_MAX (1 + XMP_MAX_OPS * (1 + 4 * XMP_NARGS)) /* longest */

/* 1 when buf looks like a binary input rather than a program text. */
int xmp_bin_is_binary(const uint8_t *buf, size_t len);

/*
 * Decode an input (header and body) into p; *profile gets the header's
 * profile (enum xmc_profile). An empty input is the empty power program.
 */
void xmp_bin_decode(const uint8_t *buf, size_t len, int *profile,
		    struct xmp_prog *p);

/*
 * Encode p in program form with the profile's header. Returns the length
 * (at most XMP_BIN_MAX), or 0 when cap is too small.
 */
size_t xmp_bin_encode(const struct xmp_prog *p, int profile, uint8_t *buf,
		      size_t cap);

#endif /* XMP_PROGBIN_H */
