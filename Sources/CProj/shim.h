#ifndef REACH_CPROJ_SHIM_H
#define REACH_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#endif
