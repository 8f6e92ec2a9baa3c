// Only the reentrant API: every call names its GEOS context.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
