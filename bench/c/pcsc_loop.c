/*
 * Baseline for apdu-roundtrip and apdu-latency: the least a PC/SC client can do.
 * Connects to one reader (T=0|T=1, shared; the bench card gets T=1), then times
 * ITERATIONS SCardTransmit calls of the same APDU, each on its own clock, and prints one
 * JSON line:
 *   {"n":2000,"totalUs":...,"meanUs":...,"medianUs":...,"p90Us":...,"maxUs":...}
 * Every response must be EXPECT_LEN bytes ending in 90 00, or the program fails.
 *
 * With ITERATIONS "-" it stays connected and reads counts from stdin, one a line, and
 * answers each with its JSON line: the bench then interleaves short blocks of it with the
 * other clients' blocks, so that the machine's load hits all of them alike.
 *
 * usage: pcsc_loop READER ITERATIONS|- APDU_HEX [EXPECT_LEN]
 */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

static void fail(const char *what, LONG rv) {
  fprintf(stderr, "%s: %s (0x%08lX)\n", what, pcsc_stringify_error(rv), (unsigned long)rv);
  exit(1);
}

/* Times ITERATIONS transmits and prints their JSON line; exits on a wrong answer. */
static void run_block(SCARDHANDLE card, DWORD protocol, const unsigned char *apdu, size_t apdu_len, long expect_len, long iterations) {
  const SCARD_IO_REQUEST *pci = protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  unsigned char response[300];
  DWORD response_len;
  LONG rv;
  double *samples = malloc(sizeof(double) * iterations);
  double started = now_us();
  for (long i = 0; i < iterations; i++) {
    response_len = sizeof response;
    double t0 = now_us();
    rv = SCardTransmit(card, pci, apdu, apdu_len, NULL, response, &response_len);
    samples[i] = now_us() - t0;
    if (rv != SCARD_S_SUCCESS) fail("SCardTransmit", rv);
    if (response_len < 2 || response[response_len - 2] != 0x90 || response[response_len - 1] != 0x00 ||
        (expect_len >= 0 && (long)response_len != expect_len)) {
      fprintf(stderr, "APDU %ld: unexpected response of %lu bytes\n", i, (unsigned long)response_len);
      exit(1);
    }
  }
  double total = now_us() - started;
  qsort(samples, iterations, sizeof(double), cmp_double);
  printf("{\"n\":%ld,\"protocol\":\"%s\",\"totalUs\":%.1f,\"meanUs\":%.2f,\"medianUs\":%.2f,\"p90Us\":%.2f,\"maxUs\":%.2f}\n",
         iterations, protocol == SCARD_PROTOCOL_T1 ? "T=1" : "T=0", total, total / iterations,
         samples[iterations / 2], samples[(iterations * 9) / 10], samples[iterations - 1]);
  fflush(stdout);
  free(samples);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s READER ITERATIONS APDU_HEX [EXPECT_LEN]\n", argv[0]);
    return 2;
  }
  const char *reader = argv[1];
  int serve = strcmp(argv[2], "-") == 0;
  long iterations = serve ? 1 : strtol(argv[2], NULL, 10);
  unsigned char apdu[300];
  size_t apdu_len = parse_hex(argv[3], apdu, sizeof apdu);
  long expect_len = argc > 4 ? strtol(argv[4], NULL, 10) : -1;
  if (iterations <= 0 || apdu_len < 4) {
    fprintf(stderr, "bad ITERATIONS or APDU_HEX\n");
    return 2;
  }

  SCARDCONTEXT context;
  SCARDHANDLE card;
  DWORD protocol;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
  if (rv != SCARD_S_SUCCESS) fail("SCardEstablishContext", rv);
  rv = SCardConnect(context, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
  if (rv != SCARD_S_SUCCESS) fail("SCardConnect", rv);
  if (serve) {
    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {
      long block = strtol(line, NULL, 10);
      if (block > 0) run_block(card, protocol, apdu, apdu_len, expect_len, block);
    }
  } else {
    run_block(card, protocol, apdu, apdu_len, expect_len, iterations);
  }

  SCardDisconnect(card, SCARD_LEAVE_CARD);
  SCardReleaseContext(context);

  return 0;
}
