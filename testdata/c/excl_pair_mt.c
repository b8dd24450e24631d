// Exclusive pairs (LDAXP/STLXP) and CASP under four contending threads:
// every update must land (a lost one means the pair store was not one
// 16-byte atomic). qemu-aarch64 agrees; the inline assembly is arm64-only.
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
static uint64_t pair[2] __attribute__((aligned(16)));
static uint64_t cpair[2] __attribute__((aligned(16)));
static void *w(void *a) {
  for (int i = 0; i < 200000; i++) {
    uint64_t lo, hi; unsigned fail;
    do {
      __asm__ volatile("ldaxp %0, %1, [%3]\n\tadd %0, %0, #1\n\tadd %1, %1, #2\n\tstlxp %w2, %0, %1, [%3]"
                       : "=&r"(lo), "=&r"(hi), "=&r"(fail) : "r"(pair) : "memory");
    } while (fail);
    /* CASP loop (LSE instruction; decoded by ferry) */
    register uint64_t x0 __asm__("x0"), x1 __asm__("x1"), x2 __asm__("x2"), x3 __asm__("x3");
    uint64_t e0 = __atomic_load_n(&cpair[0], __ATOMIC_RELAXED), e1 = __atomic_load_n(&cpair[1], __ATOMIC_RELAXED);
    for (;;) {
      x0 = e0; x1 = e1; x2 = e0 + 1; x3 = e1 + 3;
      __asm__ volatile(".arch armv8.1-a\n\tcaspal x0, x1, x2, x3, [%4]" : "+r"(x0), "+r"(x1) : "r"(x2), "r"(x3), "r"(cpair) : "memory");
      if (x0 == e0 && x1 == e1) break;
      e0 = x0; e1 = x1;
    }
  }
  return a;
}
int main() {
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, w, 0);
  for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
  printf("ldxp/stxp %llu %llu  casp %llu %llu\n", (unsigned long long)pair[0], (unsigned long long)pair[1], (unsigned long long)cpair[0], (unsigned long long)cpair[1]);
  return 0;
}
