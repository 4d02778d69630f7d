#ifndef REACH_CLIBPQ_SHIM_H
#define REACH_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
