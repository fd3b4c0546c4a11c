Feature: What the token offers
  Mechanism lists and token flags, as C_GetMechanismInfo and C_GetTokenInfo report them.

  Background:
    Given the PKCS#11 token "harness-token"

  # @softhsm-only: a PIV card through OpenSC offers no key-pair generation and no C_Encrypt (docs/piv.md).
  @softhsm-only
  Scenario: The mechanisms a signing token needs
    Then the token offers the mechanisms:
      | mechanism                  | flags             |
      | CKM_RSA_PKCS_KEY_PAIR_GEN  | GENERATE_KEY_PAIR |
      | CKM_SHA256_RSA_PKCS        | SIGN, VERIFY      |
      | CKM_RSA_PKCS_PSS           | SIGN, VERIFY      |
      | CKM_RSA_PKCS_OAEP          | ENCRYPT, DECRYPT  |
      | CKM_ECDSA                  | CKF_SIGN, CKF_VERIFY |
      | CKM_SHA256                 | DIGEST            |
    And the mechanism CKM_ECDSA is supported
    And the mechanism CKM_RSA_PKCS_KEY_PAIR_GEN supports key sizes from 1024 to 4096

  # @softhsm-only: OpenSC offers CKM_ECDSA_SHA256 (it hashes on the host, the card signs the hash).
  @softhsm-only
  Scenario: SoftHSM 2.6 hashes ECDSA on the host only
    Then the mechanism CKM_ECDSA_SHA256 is not supported

  Scenario: The token's flags
    Then the token flag CKF_LOGIN_REQUIRED is set
    And the token flag CKF_RNG is set
    And the token flag CKF_USER_PIN_INITIALIZED is set
    And the token flag CKF_WRITE_PROTECTED is not set
