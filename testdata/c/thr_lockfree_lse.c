/* thr_lockfree_lse.c — thr_lockfree.c built for armv8.1-a (see the
 * Makefile), so its atomics are LSE instructions instead of exclusive
 * load/store loops. */
#include "thr_lockfree.c"
