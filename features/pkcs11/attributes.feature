# @softhsm-only: keys with a chosen label and CKA_ID, and attribute changes: a PIV card through OpenSC makes no keys and changes no attributes (docs/piv.md).
@softhsm-only
Feature: Key attributes
  Attributes are read as text (CKA_LABEL), hex (byte arrays such as CKA_ID),
  true/false (booleans) and numbers or constant names (CKA_KEY_TYPE).

  Background:
    Given the PKCS#11 token "harness-token"
    And I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "signer" with CKA_ID "C0 FF EE 01"

  Scenario: Both keys of a pair carry the label and the CKA_ID
    Then the token has an object labelled "signer"
    And the attribute CKA_LABEL of "signer" is "signer"
    And the attribute CKA_ID of "signer" is "C0:FF:EE:01"
    And the attribute CKA_KEY_TYPE of "signer" is "CKK_RSA"
    And the attribute CKA_MODULUS_BITS of "signer" is "2048"

  Scenario: Generated private keys are sensitive and stay on the token
    Then the attribute CKA_SENSITIVE of "signer" is "true"
    And the attribute CKA_EXTRACTABLE of "signer" is "false"
    And the attribute CKA_LOCAL of "signer" is "true"
    And the attribute CKA_TOKEN of "signer" is "false"

  Scenario: A sensitive attribute cannot be read
    When I read the attribute CKA_PRIVATE_EXPONENT of "signer"
    Then it fails with CKR_ATTRIBUTE_SENSITIVE

  Scenario: Renaming a key
    When I set the attribute CKA_LABEL of "signer" to "renamed"
    Then the token has an object labelled "renamed"
    And the token has no object labelled "signer"
    And the attribute CKA_ID of "renamed" is "C0FFEE01"

  Scenario: A key of another type under the same label is refused
    Given an EC-P256 key pair labelled "signer"
    Then it fails with CARDSPEC_KEY_MISMATCH

  Scenario: A sensitive key cannot be made readable again
    When I set the attribute CKA_SENSITIVE of "signer" to "false"
    Then it fails with CKR_ATTRIBUTE_READ_ONLY
