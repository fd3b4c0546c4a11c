/*
 * The C baseline's timed loop of SCardTransmit, shared by the program (pcsc_loop.c) and
 * the same loop run inside the bench's own process (pcsc_loop_addon.c): the two run the
 * very same instructions, so any difference between them is where they run.
 */
#ifndef CARDSPEC_PCSC_BLOCK_H
#define CARDSPEC_PCSC_BLOCK_H

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <stdlib.h>

#include "bench_util.h"

struct block_stats {
  double total_us, median_us, p90_us, max_us;
};

/*
 * Times `iterations` transmits of `apdu`, each on its own clock. Returns SCARD_S_SUCCESS,
 * the failing call's code, or SCARD_F_UNKNOWN_ERROR for an answer that is not
 * `expect_len` bytes (when >= 0) ending in 90 00 (`*bad_index` names the APDU).
 */
static LONG pcsc_block(SCARDHANDLE card, DWORD protocol, const unsigned char *apdu, size_t apdu_len, long expect_len,
                       long iterations, struct block_stats *stats, long *bad_index) {
  const SCARD_IO_REQUEST *pci = protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  unsigned char response[300];
  DWORD response_len;
  double *samples = malloc(sizeof(double) * iterations);
  if (samples == NULL) return SCARD_E_NO_MEMORY;
  double started = now_us();
  for (long i = 0; i < iterations; i++) {
    response_len = sizeof response;
    double t0 = now_us();
    LONG rv = SCardTransmit(card, pci, apdu, apdu_len, NULL, response, &response_len);
    samples[i] = now_us() - t0;
    if (rv != SCARD_S_SUCCESS || response_len < 2 || response[response_len - 2] != 0x90 || response[response_len - 1] != 0x00 ||
        (expect_len >= 0 && (long)response_len != expect_len)) {
      *bad_index = i;
      free(samples);
      return rv != SCARD_S_SUCCESS ? rv : SCARD_F_UNKNOWN_ERROR;
    }
  }
  stats->total_us = now_us() - started;
  qsort(samples, iterations, sizeof(double), cmp_double);
  stats->median_us = samples[iterations / 2];
  stats->p90_us = samples[(iterations * 9) / 10];
  stats->max_us = samples[iterations - 1];
  free(samples);
  return SCARD_S_SUCCESS;
}

#endif
