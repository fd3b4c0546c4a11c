Feature: Signatures made by the token
  The token signs with its private keys; the signatures verify on the token and with
  OpenSSL, and a tampered signature is refused.

  Background:
    Given the PKCS#11 token "harness-token"
    And I am logged in as the user with PIN "1234"

  Scenario: RSA PKCS#1 v1.5 with SHA-256, checked by the token and by OpenSSL
    Given an RSA-2048 key pair labelled "signer"
    When I sign "Hello World!\n" with "signer" using CKM_SHA256_RSA_PKCS
    Then the signature has 256 bytes
    And the signature verifies with "signer" using CKM_SHA256_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "signer"

  Scenario: A flipped bit makes the signature invalid
    Given an RSA-2048 key pair labelled "signer"
    When I sign "Hello World!\n" with "signer" using CKM_SHA256_RSA_PKCS
    And I flip a bit in the signature
    Then the signature does not verify with "signer" using CKM_SHA256_RSA_PKCS

  Scenario Outline: RSA-PSS with <mechanism> on an <key> key
    Given the token offers <mechanism>
    And an <key> key pair labelled "pss-signer"
    When I sign "a message for PSS" with "pss-signer" using <mechanism>
    Then the signature verifies with "pss-signer" using <mechanism>
    And OpenSSL verifies the signature with the public key of "pss-signer"

    Examples:
      | key      | mechanism               |
      | RSA-2048 | CKM_SHA256_RSA_PKCS_PSS |
      | RSA-2048 | CKM_SHA512_RSA_PKCS_PSS |

    # @softhsm-only: the PIV token card has no RSA-3072 key (its keys: docs/piv.md).
    @softhsm-only
    Examples:
      | key      | mechanism               |
      | RSA-3072 | CKM_SHA384_RSA_PKCS_PSS |

  Scenario: Raw CKM_RSA_PKCS over hex data, checked with openssl pkeyutl
    Given an RSA-2048 key pair labelled "raw-signer"
    When I sign the hex data "00 11 22 33 44 55 66 77" with "raw-signer" using CKM_RSA_PKCS
    Then the signature verifies with "raw-signer" using CKM_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "raw-signer"

  Scenario: The host hashes, the token signs the DigestInfo with CKM_RSA_PKCS
    Given an RSA-2048 key pair labelled "middleware-signer"
    When I sign the SHA-384 digest of "Hello World!\n" with "middleware-signer" using CKM_RSA_PKCS
    Then the signature verifies with "middleware-signer" using CKM_RSA_PKCS
    And the signature verifies with "middleware-signer" using CKM_SHA384_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "middleware-signer"

  Scenario Outline: ECDSA on <key> over a host <hash> digest
    Given an <key> key pair labelled "ec-signer"
    When I sign the <hash> digest of "Hello World!\n" with "ec-signer" using CKM_ECDSA
    Then the signature has <bytes> bytes
    And the signature verifies with "ec-signer" using CKM_ECDSA
    And OpenSSL verifies the signature with the public key of "ec-signer"

    Examples:
      | key     | hash    | bytes |
      | EC-P256 | SHA-256 | 64    |
      | EC-P384 | SHA-384 | 96    |

  Scenario: A tampered ECDSA signature does not verify
    Given an EC-P256 key pair labelled "ec-signer"
    When I sign the SHA-256 digest of "Hello World!\n" with "ec-signer" using CKM_ECDSA
    And I flip a bit in the signature
    Then the signature does not verify with "ec-signer" using CKM_ECDSA

  Scenario: Ed25519 with CKM_EDDSA, checked with openssl pkeyutl -rawin
    Given the token offers CKM_EDDSA
    And an Ed25519 key pair labelled "ed-signer"
    When I sign "Hello World!\n" with "ed-signer" using CKM_EDDSA
    Then the signature has 64 bytes
    And the signature verifies with "ed-signer" using CKM_EDDSA
    And OpenSSL verifies the signature with the public key of "ed-signer"

  # @softhsm-only: OpenSC offers CKM_ECDSA_SHA256; SoftHSM 2.6 does not.
  @softhsm-only
  Scenario: A mechanism the token lacks is refused, never replaced
    Given an EC-P256 key pair labelled "ec-signer"
    When I sign "Hello World!\n" with "ec-signer" using CKM_ECDSA_SHA256
    Then it fails with CKR_MECHANISM_INVALID

  Scenario: A signature does not verify with another key
    Given an RSA-2048 key pair labelled "signer"
    And an RSA-2048 key pair labelled "someone-else"
    When I sign "Hello World!\n" with "signer" using CKM_SHA256_RSA_PKCS
    Then the signature does not verify with "someone-else" using CKM_SHA256_RSA_PKCS

  # @softhsm-only: OpenSC changes no attributes of a PIV card's keys (C_SetAttributeValue: CKR_FUNCTION_NOT_SUPPORTED).
  @softhsm-only
  Scenario: A key that may not sign is refused
    Given an RSA-2048 key pair labelled "signer"
    When I set the attribute CKA_SIGN of "signer" to "false"
    And I sign "Hello World!\n" with "signer" using CKM_SHA256_RSA_PKCS
    Then it fails with CKR_KEY_FUNCTION_NOT_PERMITTED
