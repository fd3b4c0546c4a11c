/*
 * Helpers shared by the bench's C baselines: a monotonic clock, hex parsing of the
 * command line's APDUs and data, and a comparator for medians.
 */
#ifndef CARDSPEC_BENCH_UTIL_H
#define CARDSPEC_BENCH_UTIL_H

#include <stdio.h>
#include <time.h>

static inline double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Hex digits in pairs; spaces between bytes are skipped. */
static inline size_t parse_hex(const char *text, unsigned char *out, size_t max) {
  size_t n = 0;
  while (*text && n < max) {
    if (*text == ' ') { text++; continue; }
    unsigned int byte;
    if (sscanf(text, "%2x", &byte) != 1) break;
    out[n++] = (unsigned char)byte;
    text += 2;
  }
  return n;
}

static inline int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#endif
