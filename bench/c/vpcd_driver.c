/*
 * A stand-in for vpcd, for card-throughput: listens on an ephemeral loopback port, prints
 * "port N" on stdout, accepts one card connection and speaks vpcd's framing (2-byte
 * big-endian length, then the payload) with no pcscd in between: power on, ATR request,
 * then ITERATIONS round trips of APDU_HEX, one in flight at a time as vpcd does. Each frame goes out in one write with TCP_NODELAY, so no Nagle or delayed-ACK
 * stall is measured, only the card's answer time. Prints one JSON line:
 *   {"n":...,"totalUs":...,"perSecond":...,"medianUs":...,"p90Us":...}
 *
 * usage: vpcd_driver ITERATIONS APDU_HEX [EXPECT_LEN]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "bench_util.h"
#include <unistd.h>

#define ACCEPT_TIMEOUT_S 10

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void read_exact(int fd, unsigned char *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, buf + got, len - got);
    if (n <= 0) die("read from the card");
    got += (size_t)n;
  }
}

static void send_frame(int fd, const unsigned char *payload, size_t len) {
  unsigned char frame[2 + 65535];
  frame[0] = (unsigned char)(len >> 8);
  frame[1] = (unsigned char)len;
  memcpy(frame + 2, payload, len);
  if (write(fd, frame, 2 + len) != (ssize_t)(2 + len)) die("write to the card");
}

/* Reads one answer frame; returns its payload length. */
static size_t read_frame(int fd, unsigned char *payload, size_t max) {
  unsigned char header[2];
  read_exact(fd, header, 2);
  size_t len = ((size_t)header[0] << 8) | header[1];
  if (len > max) {
    fprintf(stderr, "answer of %zu bytes is too long\n", len);
    exit(1);
  }
  read_exact(fd, payload, len);
  return len;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s ITERATIONS APDU_HEX [EXPECT_LEN]\n", argv[0]);
    return 2;
  }
  long iterations = strtol(argv[1], NULL, 10);
  unsigned char apdu[300], answer[65536];
  size_t apdu_len = parse_hex(argv[2], apdu, sizeof apdu);
  long expect_len = argc > 3 ? strtol(argv[3], NULL, 10) : -1;
  if (iterations <= 0 || apdu_len < 4) {
    fprintf(stderr, "bad ITERATIONS or APDU_HEX\n");
    return 2;
  }

  int server = socket(AF_INET, SOCK_STREAM, 0);
  if (server < 0) die("socket");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(server, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (listen(server, 1) < 0) die("listen");
  socklen_t addr_len = sizeof addr;
  if (getsockname(server, (struct sockaddr *)&addr, &addr_len) < 0) die("getsockname");
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);

  alarm(ACCEPT_TIMEOUT_S); /* a card that never connects must not hang the bench */
  int card = accept(server, NULL, NULL);
  if (card < 0) die("accept");
  alarm(0);
  int one = 1;
  setsockopt(card, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  const unsigned char power_on = 1, atr_request = 4;
  send_frame(card, &power_on, 1);
  send_frame(card, &atr_request, 1);
  size_t atr_len = read_frame(card, answer, sizeof answer);
  if (atr_len < 2) {
    fprintf(stderr, "no ATR\n");
    return 1;
  }

  double *samples = malloc(sizeof(double) * iterations);
  double started = now_us();
  for (long i = 0; i < iterations; i++) {
    double t0 = now_us();
    send_frame(card, apdu, apdu_len);
    size_t len = read_frame(card, answer, sizeof answer);
    samples[i] = now_us() - t0;
    if (len < 2 || answer[len - 2] != 0x90 || answer[len - 1] != 0x00 || (expect_len >= 0 && (long)len != expect_len)) {
      fprintf(stderr, "APDU %ld: unexpected answer of %zu bytes\n", i, len);
      return 1;
    }
  }
  double total = now_us() - started;
  close(card);
  close(server);

  qsort(samples, iterations, sizeof(double), cmp_double);
  printf("{\"n\":%ld,\"totalUs\":%.1f,\"perSecond\":%.1f,\"medianUs\":%.2f,\"p90Us\":%.2f}\n", iterations, total,
         iterations / (total / 1e6), samples[iterations / 2], samples[(iterations * 9) / 10]);
  free(samples);
  return 0;
}
