/*
 * progbin.c - the binary form of programs (see progbin.h).
 */
#include <string.h>

#include "xmcheck.h"
#include "progbin.h"

int xmp_bin_is_binary(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((buf[i] < 0x20 || buf[i] > 0x7e) && buf[i] != '\t' &&
		    buf[i] != '\n' && buf[i] != '\r')
			return 1;
	return 0;
}

static uint32_t rd32(const uint8_t *buf, size_t len, size_t *pos)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++, (*pos)++)
		v |= (uint32_t)(*pos < len ? buf[*pos] : 0) << (8 * i);
	return v;
}

/* Fold a raw 32-bit value into the argument's range, one-to-one inside it. */
static int64_t fold(const struct xmp_argdef *d, uint32_t v)
{
	switch (d->kind) {
	case XMP_A_INT: return (int32_t)v;
	case XMP_A_ADDR: return v;
	case XMP_A_SMALL:
		return d->lo + (int64_t)(v % (uint32_t)(d->hi - d->lo + 1));
	case XMP_A_KADDR: return v % ((uint32_t)XMC_KBUFS * XMC_KBUF_SIZE);
	}
	return 0;
}

static uint32_t unfold(const struct xmp_argdef *d, int64_t v)
{
	return d->kind == XMP_A_SMALL ? (uint32_t)(v - d->lo) : (uint32_t)v;
}

/* A move may not reach past its kernel buffer (prog.c's check_op). */
static void clamp_move(struct xmp_op *op)
{
	int ki = op->code == XMP_XMEMIN ? 1 : 0;
	int64_t off = op->a[ki] % XMC_KBUF_SIZE;
	if (op->a[2] > 0 && off + op->a[2] > XMC_KBUF_SIZE)
		op->a[2] = XMC_KBUF_SIZE - off;
}

static void decode_progform(const uint8_t *buf, size_t len,
			    struct xmp_prog *p)
{
	size_t pos = 0;
	p->n = 0;
	while (pos < len && p->n < XMP_MAX_OPS) {
		struct xmp_op *op = &p->op[p->n++];
		memset(op, 0, sizeof *op);
		op->code = (uint8_t)(buf[pos++] % XMP_NCODES);
		const struct xmp_opdef *d = &xmp_ops[op->code];
		for (int i = 0; i < d->nargs; i++)
			if (d->args[i].kind != XMP_A_ZERO)
				op->a[i] = fold(&d->args[i], rd32(buf, len, &pos));
		if (op->code == XMP_XMEMIN || op->code == XMP_XMEMOUT)
			clamp_move(op);
	}
}

void xmp_bin_decode(const uint8_t *buf, size_t len, int *profile,
		    struct xmp_prog *p)
{
	uint8_t h = len ? buf[0] : 0;
	*profile = h & 1 ? XMC_PROFILE_POWERPC : XMC_PROFILE_POWER;
	if (h & XMP_BIN_PROGFORM) {
		decode_progform(buf + 1, len - 1, p);
		return;
	}
	struct xmp_src s;
	xmp_src_bytes(&s, len ? buf + 1 : buf, len ? len - 1 : 0);
	xmp_decode(&s, XMP_MAX_OPS, XMC_CAP_ALL, *profile, p);
}

size_t xmp_bin_encode(const struct xmp_prog *p, int profile, uint8_t *buf,
		      size_t cap)
{
	size_t o = 0;
	if (cap < 1)
		return 0;
	buf[o++] = XMP_BIN_PROGFORM | (profile == XMC_PROFILE_POWERPC);
	for (int k = 0; k < p->n; k++) {
		const struct xmp_op *op = &p->op[k];
		const struct xmp_opdef *d = &xmp_ops[op->code];
		if (o + 1 + 4 * XMP_NARGS > cap)
			return 0;
		buf[o++] = op->code;
		for (int i = 0; i < d->nargs; i++) {
			if (d->args[i].kind == XMP_A_ZERO)
				continue;
			uint32_t v = unfold(&d->args[i], op->a[i]);
			for (int b = 0; b < 4; b++)
				buf[o++] = (uint8_t)(v >> (8 * b));
		}
	}
	return o;
}
