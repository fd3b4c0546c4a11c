/*
 * A synchronous SCardTransmit for Node (N-API, C). The `smartcard` binding sends every
 * call through libuv's thread pool and back, which costs about 60 µs per APDU on top of
 * pcscd; a call on the caller's own thread costs none of that (docs/performance.md has
 * the figures). Only the card calls are here: connect, transmit, reconnect, status,
 * disconnect. Contexts, reader lists and card events stay with `smartcard`.
 *
 * Every call blocks the calling thread until pcscd answers. The caller must make sure
 * the card does not answer from that same thread, and must have a way to end a call to a
 * mute card (src/pcsc/sync-card.ts says how the simulator target does both).
 *
 * Errors: a JS Error with pcsc-lite's text and `code`, the PC/SC return value (number).
 */
#include <node_api.h>
#include <winscard.h>
#include <stdint.h>
#include <string.h>

/* pcsc-lite's largest extended APDU response, plus SW1-SW2. */
#define RECV_BUFFER_BYTES (MAX_BUFFER_SIZE_EXTENDED + 2)

static SCARDCONTEXT context;
static int context_open = 0;
static unsigned char recv_buffer[RECV_BUFFER_BYTES];

static napi_value throw_pcsc(napi_env env, LONG rv) {
  napi_value message, error, code;
  napi_create_string_utf8(env, pcsc_stringify_error(rv), NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  napi_create_double(env, (double)(uint32_t)rv, &code);
  napi_set_named_property(env, error, "code", code);
  napi_throw(env, error);
  return NULL;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want) {
    napi_throw_type_error(env, NULL, "pcsc_sync: too few arguments");
    return 0;
  }
  return 1;
}

static uint32_t get_u32(napi_env env, napi_value value) {
  uint32_t out = 0;
  napi_get_value_uint32(env, value, &out);
  return out;
}

static napi_value make_u32(napi_env env, uint32_t value) {
  napi_value out;
  napi_create_uint32(env, value, &out);
  return out;
}

/* A JS array of `count` values: the calls that answer several things answer a tuple. */
static napi_value make_array(napi_env env, size_t count, const napi_value *items) {
  napi_value out;
  napi_create_array_with_length(env, count, &out);
  for (size_t i = 0; i < count; i++) napi_set_element(env, out, (uint32_t)i, items[i]);
  return out;
}

/* connect(readerName, shareMode, preferredProtocols) -> [handle, activeProtocol] */
static napi_value Connect(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  char reader[256];
  size_t length = 0;
  if (napi_get_value_string_utf8(env, argv[0], reader, sizeof reader, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "pcsc_sync: the reader name must be a string");
    return NULL;
  }
  LONG rv;
  SCARDHANDLE handle;
  DWORD protocol = 0;
  /* The context of a pcscd that was restarted since answers SCARD_E_NO_SERVICE: a new one, once. */
  for (int attempt = 0; attempt < 2; attempt++) {
    if (!context_open) {
      rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
      if (rv != SCARD_S_SUCCESS) return throw_pcsc(env, rv);
      context_open = 1;
    }
    rv = SCardConnect(context, reader, get_u32(env, argv[1]), get_u32(env, argv[2]), &handle, &protocol);
    if (rv != SCARD_E_NO_SERVICE && rv != SCARD_E_INVALID_HANDLE) break;
    SCardReleaseContext(context);
    context_open = 0;
  }
  if (rv != SCARD_S_SUCCESS) return throw_pcsc(env, rv);
  napi_value items[2] = { make_u32(env, (uint32_t)handle), make_u32(env, (uint32_t)protocol) };
  return make_array(env, 2, items);
}

/* transmit(handle, protocol, command, maxResponseBytes) -> Buffer */
static napi_value Transmit(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  void *command = NULL;
  size_t command_bytes = 0;
  if (napi_get_buffer_info(env, argv[2], &command, &command_bytes) != napi_ok) {
    napi_throw_type_error(env, NULL, "pcsc_sync: the command must be a Buffer");
    return NULL;
  }
  DWORD protocol = get_u32(env, argv[1]);
  const SCARD_IO_REQUEST *pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_RAW;
  DWORD response_bytes = get_u32(env, argv[3]);
  if (response_bytes > RECV_BUFFER_BYTES) response_bytes = RECV_BUFFER_BYTES;
  LONG rv = SCardTransmit((SCARDHANDLE)get_u32(env, argv[0]), pci, command, (DWORD)command_bytes, NULL, recv_buffer, &response_bytes);
  if (rv != SCARD_S_SUCCESS) return throw_pcsc(env, rv);
  napi_value out;
  napi_create_buffer_copy(env, response_bytes, recv_buffer, NULL, &out);
  return out;
}

/* reconnect(handle, shareMode, preferredProtocols, initialization) -> activeProtocol */
static napi_value Reconnect(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  DWORD protocol = 0;
  LONG rv = SCardReconnect((SCARDHANDLE)get_u32(env, argv[0]), get_u32(env, argv[1]), get_u32(env, argv[2]), get_u32(env, argv[3]), &protocol);
  if (rv != SCARD_S_SUCCESS) return throw_pcsc(env, rv);
  return make_u32(env, (uint32_t)protocol);
}

/* status(handle) -> [atr, state, protocol] */
static napi_value Status(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  unsigned char atr[MAX_ATR_SIZE];
  DWORD atr_bytes = sizeof atr, state = 0, protocol = 0;
  LONG rv = SCardStatus((SCARDHANDLE)get_u32(env, argv[0]), NULL, NULL, &state, &protocol, atr, &atr_bytes);
  if (rv != SCARD_S_SUCCESS) return throw_pcsc(env, rv);
  napi_value atr_value;
  napi_create_buffer_copy(env, atr_bytes, atr, NULL, &atr_value);
  napi_value items[3] = { atr_value, make_u32(env, (uint32_t)state), make_u32(env, (uint32_t)protocol) };
  return make_array(env, 3, items);
}

/* disconnect(handle, disposition) */
static napi_value Disconnect(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  LONG rv = SCardDisconnect((SCARDHANDLE)get_u32(env, argv[0]), get_u32(env, argv[1]));
  if (rv != SCARD_S_SUCCESS) return throw_pcsc(env, rv);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
    { "connect", NULL, Connect, NULL, NULL, NULL, napi_default, NULL },
    { "transmit", NULL, Transmit, NULL, NULL, NULL, napi_default, NULL },
    { "reconnect", NULL, Reconnect, NULL, NULL, NULL, napi_default, NULL },
    { "status", NULL, Status, NULL, NULL, NULL, napi_default, NULL },
    { "disconnect", NULL, Disconnect, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
