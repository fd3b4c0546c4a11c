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

#include "pcsc_block.h"

static void fail(const char *what, LONG rv) {
  fprintf(stderr, "%s: %s (0x%08lX)\n", what, pcsc_stringify_error(rv), (unsigned long)rv);
  exit(1);
}

/* Times ITERATIONS transmits and prints their JSON line; exits on a wrong answer. */
static void run_block(SCARDHANDLE card, DWORD protocol, const unsigned char *apdu, size_t apdu_len, long expect_len, long iterations) {
  struct block_stats stats;
  long bad = -1;
  LONG rv = pcsc_block(card, protocol, apdu, apdu_len, expect_len, iterations, &stats, &bad);
  if (rv == SCARD_F_UNKNOWN_ERROR && bad >= 0) {
    fprintf(stderr, "APDU %ld: unexpected response\n", bad);
    exit(1);
  }
  if (rv != SCARD_S_SUCCESS) fail("SCardTransmit", rv);
  printf("{\"n\":%ld,\"protocol\":\"%s\",\"totalUs\":%.1f,\"meanUs\":%.2f,\"medianUs\":%.2f,\"p90Us\":%.2f,\"maxUs\":%.2f}\n",
         iterations, protocol == SCARD_PROTOCOL_T1 ? "T=1" : "T=0", stats.total_us, stats.total_us / iterations,
         stats.median_us, stats.p90_us, stats.max_us);
  fflush(stdout);
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
