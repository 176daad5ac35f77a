#ifndef LEDGERSYNC_CMALLOCARENAS_H
#define LEDGERSYNC_CMALLOCARENAS_H

/// Caps how many arenas glibc's malloc creates (mallopt M_ARENA_MAX). Call it before threads start: a thread
/// that already has an arena keeps it.
/// Returns 1 when the cap was set, 0 when it was refused or the C library is not glibc.
int ledgersync_set_malloc_arena_max(int count);

#endif
