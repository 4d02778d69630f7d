#ifndef REACH_CSQLITE_SHIM_H
#define REACH_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
