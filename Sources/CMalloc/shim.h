// The C library's allocator controls (glibc's malloc_trim); empty where the platform has no <malloc.h>.
#if defined(__linux__)
#include <malloc.h>
#endif
