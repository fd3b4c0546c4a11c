/*
 * The C loop of pcsc_loop.c (the same pcsc_block.h), as a Node addon: apdu-roundtrip runs
 * it on the bench's own main thread, in the process where the harness runs, next to the C
 * loop in its own process. Both are the same instructions; the difference between them is
 * what running inside a Node process costs, before any code of the harness.
 *
 *   open(reader, apduHex, expectLen)   connects (T=0|T=1, shared), as pcsc_loop does
 *   run(iterations) -> {medianUs, meanUs}
 *   close()
 *
 * Built by the bench (bench/lib/native.ts) with gcc, against the running Node's headers.
 */
#include <node_api.h>
#include <string.h>

#include "pcsc_block.h"

static SCARDCONTEXT context;
static SCARDHANDLE card;
static DWORD protocol;
static int connected = 0;
static unsigned char apdu[300];
static size_t apdu_len;
static long expect_len;

static napi_value throw_message(napi_env env, const char *what, LONG rv) {
  char text[200];
  snprintf(text, sizeof text, "%s: %s (0x%08lX)", what, pcsc_stringify_error(rv), (unsigned long)rv);
  napi_throw_error(env, NULL, text);
  return NULL;
}

static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char reader[256], hex[620];
  size_t length;
  int64_t expect = -1;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], reader, sizeof reader, &length) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], hex, sizeof hex, &length) != napi_ok || napi_get_value_int64(env, argv[2], &expect) != napi_ok) {
    napi_throw_type_error(env, NULL, "open(reader, apduHex, expectLen)");
    return NULL;
  }
  if (connected) {
    napi_throw_error(env, NULL, "already open");
    return NULL;
  }
  apdu_len = parse_hex(hex, apdu, sizeof apdu);
  expect_len = (long)expect;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
  if (rv != SCARD_S_SUCCESS) return throw_message(env, "SCardEstablishContext", rv);
  rv = SCardConnect(context, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
  if (rv != SCARD_S_SUCCESS) {
    SCardReleaseContext(context);
    return throw_message(env, "SCardConnect", rv);
  }
  connected = 1;
  return NULL;
}

static napi_value Run(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t iterations = 0;
  if (argc < 1 || napi_get_value_int64(env, argv[0], &iterations) != napi_ok || iterations <= 0) {
    napi_throw_type_error(env, NULL, "run(iterations)");
    return NULL;
  }
  if (!connected) {
    napi_throw_error(env, NULL, "not open");
    return NULL;
  }
  struct block_stats stats;
  long bad = -1;
  LONG rv = pcsc_block(card, protocol, apdu, apdu_len, expect_len, (long)iterations, &stats, &bad);
  if (rv == SCARD_F_UNKNOWN_ERROR && bad >= 0) {
    char text[80];
    snprintf(text, sizeof text, "APDU %ld: unexpected response", bad);
    napi_throw_error(env, NULL, text);
    return NULL;
  }
  if (rv != SCARD_S_SUCCESS) return throw_message(env, "SCardTransmit", rv);
  napi_value out, median, mean;
  napi_create_object(env, &out);
  napi_create_double(env, stats.median_us, &median);
  napi_create_double(env, stats.total_us / (double)iterations, &mean);
  napi_set_named_property(env, out, "medianUs", median);
  napi_set_named_property(env, out, "meanUs", mean);
  return out;
}

static napi_value Close(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  if (connected) {
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(context);
    connected = 0;
  }
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
    { "open", NULL, Open, NULL, NULL, NULL, napi_default, NULL },
    { "run", NULL, Run, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, Close, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
