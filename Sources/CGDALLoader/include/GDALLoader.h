#ifndef GRIDPLAN_GDAL_LOADER_H
#define GRIDPLAN_GDAL_LOADER_H

/// The address of GDAL's function `name`, loading libgdal on the first call and keeping the
/// address in `*cache`. Exits with status 2 and a clear message where libgdal or the function
/// cannot be found: no GDAL call can go on without it.
void *gridplan_gdal_function(void **cache, const char *name);

#endif
