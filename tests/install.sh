#!/bin/sh
# tests/install.sh - the developer kit: `make install` into a temporary
# prefix, the template built out of tree with one pkg-config line, run by
# the installed binary (which says it compared nothing), and both man pages
# rendered by man -l without a warning.
set -u
. "$(dirname "$0")/lib.sh"
P=$T/prefix
make -s install PREFIX="$P" MODE="${MODE:-release}" >"$T/out" 2>&1 && ok ||
	bad "make install: $(cat "$T/out")"
for f in bin/xmcheck include/xmcheck.h lib/pkgconfig/xmcheck.pc \
	share/man/man1/xmcheck.1 share/man/man7/xmcheck-plugin.7 \
	share/doc/xmcheck/PLUGINS.md share/doc/xmcheck/WORLD.md \
	share/xmcheck/template/template.c; do
	[ -f "$P/$f" ] && ok || bad "not installed: $f"
done
# Out of tree: a copy of the template in an empty directory.
mkdir "$T/acme"
cp "$P/share/xmcheck/template/template.c" "$T/acme/acme.c"
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
cflags=$(pkg-config --cflags xmcheck) && ok || bad "pkg-config knows no xmcheck"
[ "$(echo $cflags)" = "-I$P/include" ] && ok || bad "pkg-config --cflags: $cflags"
(cd "$T/acme" && cc $(pkg-config --cflags xmcheck) -shared -fPIC \
	-o acme.so acme.c) 2>"$T/err" && ok || bad "template: $(cat "$T/err")"
(cd "$T/acme" && "$P/bin/xmcheck" run --impl acme.so --runs 20 >out 2>err)
[ $? = 2 ] && ok || bad "untouched template: exit not 2"
grep -q "no service was compared in 20 programs" "$T/acme/err" && ok ||
	bad "untouched template: $(cat "$T/acme/err")"
[ ! -e "$T/acme/findings" ] && ok || bad "untouched template made findings/"
for m in man1/xmcheck.1 man7/xmcheck-plugin.7; do
	LC_ALL=C MANWIDTH=80 man --warnings -P cat -l "$P/share/man/$m" \
		>"$T/man" 2>"$T/manerr"
	[ $? = 0 ] && [ ! -s "$T/manerr" ] && ok ||
		bad "man -l $m: $(head -n 3 "$T/manerr")"
	grep -q '^NAME' "$T/man" && grep -q '^SEE ALSO' "$T/man" && ok ||
		bad "man -l $m renders no NAME/SEE ALSO"
done
done_tests install
