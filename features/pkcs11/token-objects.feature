# @softhsm-only: C_GenerateKeyPair; OpenSC offers no key-pair generation for PIV cards (docs/piv.md).
@token-objects @softhsm-only
Feature: Keys that stay on the token
  Scenarios tagged @token-objects make token objects (CKA_TOKEN true): they outlive the
  session that made them, where session objects are gone with it.

  Background:
    Given the PKCS#11 token "persistent-token"
    And I am logged in as the user with PIN "1234"

  Scenario: A key pair made as token objects is still there in a new session
    Given an EC-P256 key pair labelled "kept-signer"
    Then the attribute CKA_TOKEN of "kept-signer" is "true"
    # Naming the token again closes this session and opens a new one.
    Given the PKCS#11 token "persistent-token"
    And I am logged in as the user with PIN "1234"
    Then the token has an object labelled "kept-signer"
    When I sign the SHA-256 digest of "still here" with "kept-signer" using CKM_ECDSA
    Then OpenSSL verifies the signature with the public key of "kept-signer"

  Scenario: Naming the token again does not hand out the same key twice
    Given an RSA-2048 key pair labelled "kept-first"
    Given the PKCS#11 token "persistent-token"
    And I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "kept-second"
    When I sign "Hello World!\n" with "kept-first" using CKM_SHA256_RSA_PKCS
    Then the signature does not verify with "kept-second" using CKM_SHA256_RSA_PKCS
