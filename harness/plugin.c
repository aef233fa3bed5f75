/*
 * plugin.c - finding an implementation by name: a built-in one, or a
 * plug-in .so (a proxy for its sandboxed worker, iso.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli.h"
#include "iso.h"

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

/* Plug-in files opened, for the findings' '# impl-path:'. */
#define MAX_OPENED 64
static struct {
	const struct xmc_plugin *pl; /* what hx_plugin_open returned */
	char *path; /* its absolute path (realpath) */
} opened[MAX_OPENED];
static int nopened;

/*
 * Built-in names win; any other name that is a regular file is a plug-in,
 * run in a sandboxed worker (iso.h) unless --no-isolate.
 */
const struct xmc_plugin *hx_plugin_open(const char *name, char *err,
					size_t errlen)
{
	struct stat st;
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (!strcmp(builtins[i]->name, name))
			return hx_iso_opts.isolate
				       ? hx_iso_proxy(builtins[i], NULL, err,
						      errlen)
				       : builtins[i];
	if (stat(name, &st)) {
		if (!strchr(name, '/') && !strstr(name, ".so"))
			snprintf(err, errlen, "unknown implementation '%s' "
				 "(built in: %s; or a path to a plug-in .so)",
				 name, hx_builtin_names());
		else
			snprintf(err, errlen, "%s: cannot load: %s", name,
				 strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot load: not a regular file",
			 name);
		return NULL;
	}
	const struct xmc_plugin *pl = hx_iso_opts.no_isolate
					      ? hx_so_load(name, err, errlen)
					      : hx_iso_proxy(NULL, name, err, errlen);
	if (pl && nopened < MAX_OPENED) {
		opened[nopened].pl = pl;
		opened[nopened++].path = realpath(name, NULL);
	}
	return pl;
}

const char *hx_plugin_path(const struct xmc_plugin *pl)
{
	for (int i = 0; i < nopened; i++)
		if (opened[i].pl == pl)
			return opened[i].path;
	return NULL;
}

void hx_plugin_close(const struct xmc_plugin *pl)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (builtins[i] == pl)
			return;
	for (int i = 0; i < nopened; i++)
		if (opened[i].pl == pl) {
			free(opened[i].path);
			opened[i] = opened[--nopened];
			break;
		}
	if (hx_iso_is_proxy(pl))
		hx_iso_proxy_free(pl);
	else
		free((void *)pl);
}
