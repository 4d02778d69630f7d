#ifndef REACH_CGEOS_SHIM_H
#define REACH_CGEOS_SHIM_H
/* Only the reentrant (_r) API: a non-reentrant GEOS call will not compile. */
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#endif
