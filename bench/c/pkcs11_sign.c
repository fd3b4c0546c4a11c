/*
 * Baseline for pkcs11-sign-*: the least a PKCS#11 client can do. dlopens the module,
 * finds the token by label, logs in, finds the private key by label once, then runs
 * C_SignInit + C_Sign for DURATION_MS and prints one JSON line:
 *   {"n":...,"totalUs":...,"perSecond":...}
 *
 * usage: pkcs11_sign MODULE TOKEN_LABEL PIN KEY_LABEL MECHANISM DATA_HEX DURATION_MS
 * (MECHANISM as a number, e.g. 0x40 for CKM_SHA256_RSA_PKCS, 0x1041 for CKM_ECDSA)
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

#include <p11-kit/pkcs11.h>

static void check(CK_RV rv, const char *what) {
  if (rv != CKR_OK) {
    fprintf(stderr, "%s: CKR 0x%08lX\n", what, (unsigned long)rv);
    exit(1);
  }
}

/* CK_TOKEN_INFO labels are padded with spaces to 32 bytes. */
static int label_is(const unsigned char *padded, const char *label) {
  size_t len = strlen(label);
  if (len > 32 || memcmp(padded, label, len) != 0) return 0;
  for (size_t i = len; i < 32; i++)
    if (padded[i] != ' ') return 0;
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s MODULE TOKEN_LABEL PIN KEY_LABEL MECHANISM DATA_HEX DURATION_MS\n", argv[0]);
    return 2;
  }
  const char *pin = argv[3], *key_label = argv[4];
  CK_MECHANISM mechanism = {strtoul(argv[5], NULL, 0), NULL, 0};
  unsigned char data[1024], signature[4096];
  CK_ULONG data_len = parse_hex(argv[6], data, sizeof data);
  double duration_us = strtod(argv[7], NULL) * 1000;

  void *module = dlopen(argv[1], RTLD_NOW);
  if (!module) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  CK_C_GetFunctionList get_function_list = (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList");
  CK_FUNCTION_LIST_PTR p11;
  check(get_function_list(&p11), "C_GetFunctionList");
  CK_C_INITIALIZE_ARGS init_args = {.flags = CKF_OS_LOCKING_OK};
  check(p11->C_Initialize(&init_args), "C_Initialize");

  CK_SLOT_ID slots[64];
  CK_ULONG slot_count = 64;
  check(p11->C_GetSlotList(CK_TRUE, slots, &slot_count), "C_GetSlotList");
  CK_SLOT_ID slot = (CK_SLOT_ID)-1;
  for (CK_ULONG i = 0; i < slot_count; i++) {
    CK_TOKEN_INFO info;
    if (p11->C_GetTokenInfo(slots[i], &info) == CKR_OK && label_is(info.label, argv[2])) slot = slots[i];
  }
  if (slot == (CK_SLOT_ID)-1) {
    fprintf(stderr, "no token labelled %s\n", argv[2]);
    return 1;
  }
  CK_SESSION_HANDLE session;
  check(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session), "C_OpenSession");
  check(p11->C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin)), "C_Login");

  CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE template[] = {
      {CKA_CLASS, &private_class, sizeof private_class},
      {CKA_LABEL, (void *)key_label, strlen(key_label)},
  };
  CK_OBJECT_HANDLE key;
  CK_ULONG found = 0;
  check(p11->C_FindObjectsInit(session, template, 2), "C_FindObjectsInit");
  check(p11->C_FindObjects(session, &key, 1, &found), "C_FindObjects");
  check(p11->C_FindObjectsFinal(session), "C_FindObjectsFinal");
  if (found != 1) {
    fprintf(stderr, "no private key labelled %s\n", key_label);
    return 1;
  }

  long n = 0;
  double started = now_us(), elapsed = 0;
  while (elapsed < duration_us) {
    CK_ULONG signature_len = sizeof signature;
    check(p11->C_SignInit(session, &mechanism, key), "C_SignInit");
    check(p11->C_Sign(session, data, data_len, signature, &signature_len), "C_Sign");
    n++;
    elapsed = now_us() - started;
  }

  p11->C_Logout(session);
  p11->C_CloseSession(session);
  p11->C_Finalize(NULL);
  printf("{\"n\":%ld,\"totalUs\":%.1f,\"perSecond\":%.2f}\n", n, elapsed, n / (elapsed / 1e6));
  return 0;
}
