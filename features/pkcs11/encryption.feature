Feature: RSA encryption
  The public key encrypts, the private key decrypts. OAEP uses SHA-1 with MGF1-SHA-1
  and an empty label unless the step names another hash.

  Background:
    Given the PKCS#11 token "harness-token"
    And I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "crypter"

  # @softhsm-only: OpenSC decrypts with a PIV card's key but offers no C_Encrypt (docs/piv.md).
  @softhsm-only
  Scenario: OAEP with the default SHA-1
    When I encrypt "secret" with "crypter" using CKM_RSA_PKCS_OAEP
    And I decrypt the ciphertext with "crypter" using CKM_RSA_PKCS_OAEP
    Then the plaintext is "secret"

  @hardware-only
  Scenario: OAEP with SHA-256
    When I encrypt "secret\twith a tab" with "crypter" using CKM_RSA_PKCS_OAEP with SHA-256
    And I decrypt the ciphertext with "crypter" using CKM_RSA_PKCS_OAEP with SHA-256
    Then the plaintext is "secret\twith a tab"

  # SoftHSM 2.6 does OAEP with SHA-1 only and refuses other parameters at C_EncryptInit.
  # @softhsm-only: OpenSC decrypts with a PIV card's key but offers no C_Encrypt (docs/piv.md).
  @simulator-only @softhsm-only
  Scenario: OAEP with SHA-256 on SoftHSM
    When I encrypt "secret" with "crypter" using CKM_RSA_PKCS_OAEP with SHA-256
    Then it fails with CKR_ARGUMENTS_BAD

  # @softhsm-only: OpenSC decrypts with a PIV card's key but offers no C_Encrypt (docs/piv.md).
  @softhsm-only
  Scenario: PKCS#1 v1.5 encryption of hex data
    When I encrypt the hex data "00 01 02 03 FF" with "crypter" using CKM_RSA_PKCS
    And I decrypt the ciphertext with "crypter" using CKM_RSA_PKCS
    Then the plaintext is the hex data "00 01 02 03 FF"

  @hardware-only
  Scenario: A tampered ciphertext does not decrypt
    When I encrypt "secret" with "crypter" using CKM_RSA_PKCS_OAEP
    And I flip a bit in the ciphertext
    And I decrypt the ciphertext with "crypter" using CKM_RSA_PKCS_OAEP
    Then it fails with CKR_ENCRYPTED_DATA_INVALID

  # SoftHSM 2.6 reports a failed OAEP decoding as CKR_GENERAL_ERROR, not CKR_ENCRYPTED_DATA_INVALID.
  # @softhsm-only: OpenSC decrypts with a PIV card's key but offers no C_Encrypt (docs/piv.md).
  @simulator-only @softhsm-only
  Scenario: A tampered ciphertext does not decrypt on SoftHSM
    When I encrypt "secret" with "crypter" using CKM_RSA_PKCS_OAEP
    And I flip a bit in the ciphertext
    And I decrypt the ciphertext with "crypter" using CKM_RSA_PKCS_OAEP
    Then it fails with CKR_GENERAL_ERROR
