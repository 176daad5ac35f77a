#include "CMallocArenas.h"

#if defined(__linux__)
#include <malloc.h>
#endif

// __GLIBC__ comes from the C library's own headers, so it is tested after including one: musl has no arenas.
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
int ledgersync_set_malloc_arena_max(int count) {
    return mallopt(M_ARENA_MAX, count);
}
#else
int ledgersync_set_malloc_arena_max(int count) {
    (void)count;
    return 0;
}
#endif
