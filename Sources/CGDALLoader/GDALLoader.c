// Loads libgdal when gridplan first calls GDAL, not when the process starts: GDAL brings about
// a hundred shared libraries whose loading costs ~70 ms, which commands that never read a
// foreign format (who-covers, cases query, serve) should not pay. GDALStubs.c forwards each
// GDAL function gridplan uses through `gridplan_gdal_function`.
#include "GDALLoader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *library;
static const char *failure;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    // The development link name first (the -dev package that gridplan is built with), then the
    // run-time names of the GDAL releases gridplan supports.
    static const char *const names[] = {
        "libgdal.so", "libgdal.so.32", "libgdal.so.33", "libgdal.so.34", "libgdal.so.35", "libgdal.so.36", "libgdal.so.37",
        "libgdal.so.38", "libgdal.dylib",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (library) return;
    }
    failure = dlerror();
}

void *gridplan_gdal_function(void **cache, const char *name) {
    void *f = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
    if (f) return f;
    pthread_once(&once, load);
    if (!library) {
        fprintf(stderr, "gridplan: error: GDAL cannot be loaded (%s); hint: install it (Debian: apt-get install libgdal-dev)\n",
                failure ? failure : "no libgdal found");
        exit(2);
    }
    f = dlsym(library, name);
    if (!f) {
        fprintf(stderr, "gridplan: error: the GDAL found has no function %s; hint: install GDAL 3.6 or later\n", name);
        exit(2);
    }
    __atomic_store_n(cache, f, __ATOMIC_RELEASE);
    return f;
}
