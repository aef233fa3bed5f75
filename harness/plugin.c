/*
 * plugin.c - finding an implementation by name: a built-in one, or a
 * plug-in .so loaded with dlopen(RTLD_LOCAL) through XMC_PLUGIN_SYMBOL.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

extern const struct xmc_plugin sim_plugin;
#ifdef XMC_WITH_LINUX
extern const struct xmc_plugin lnx_plugin;
#endif

static const struct xmc_plugin *const builtins[] = {
	&sim_plugin,
#ifdef XMC_WITH_LINUX
	&lnx_plugin,
#endif
};

const char *hx_builtin_names(void)
{
#ifdef XMC_WITH_LINUX
	return "sim, linux";
#else
	return "sim";
#endif
}

/* A copy of a shorter (older) struct, zero-extended: missing hooks = NULL. */
static const struct xmc_plugin *adopt(const struct xmc_plugin *pl,
				      const char *path, char *err,
				      size_t errlen)
{
	if (pl->abi_version != XMC_ABI_VERSION)
		return snprintf(err, errlen, "%s: ABI version %u, expected %u",
				path, pl->abi_version, XMC_ABI_VERSION),
		       NULL;
	size_t n = pl->struct_size;
	if (n < offsetof(struct xmc_plugin, proc_new) ||
	    n > sizeof(struct xmc_plugin))
		return snprintf(err, errlen, "%s: bad struct_size %zu", path, n),
		       NULL;
	if (!pl->name || !pl->version)
		return snprintf(err, errlen, "%s: no name or version", path),
		       NULL;
	struct xmc_plugin *copy = calloc(1, sizeof *copy);
	if (!copy)
		return snprintf(err, errlen, "out of memory"), NULL;
	memcpy(copy, pl, n);
	return copy;
}

const struct xmc_plugin *hx_plugin_open(const char *name, char *err,
					size_t errlen)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (!strcmp(builtins[i]->name, name))
			return builtins[i];
	if (!strchr(name, '/') && !strstr(name, ".so")) {
		snprintf(err, errlen, "unknown implementation '%s' (built in: "
			 "%s; or a path to a plug-in .so)", name,
			 hx_builtin_names());
		return NULL;
	}
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "%s: cannot load: %s", name, dlerror());
		return NULL;
	}
	xmc_plugin_fn fn;
	*(void **)&fn = dlsym(h, XMC_PLUGIN_SYMBOL);
	if (!fn) {
		snprintf(err, errlen, "%s: no symbol %s", name,
			 XMC_PLUGIN_SYMBOL);
		dlclose(h);
		return NULL;
	}
	const struct xmc_plugin *pl = fn();
	if (!pl) {
		snprintf(err, errlen, "%s: %s() returned NULL", name,
			 XMC_PLUGIN_SYMBOL);
		dlclose(h);
		return NULL;
	}
	/* The handle stays open for the life of the process. */
	return adopt(pl, name, err, errlen);
}

void hx_plugin_close(const struct xmc_plugin *pl)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (builtins[i] == pl)
			return;
	free((void *)pl);
}
