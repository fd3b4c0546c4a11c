@card-token
Feature: A PKCS#11 token served by the virtual PIV card
  With the pivTokens profile (npx cucumber-js -p pivTokens), the token "piv-token" is a
  fresh virtual PIV card per scenario, read through OpenSC's opensc-pkcs11.so: real card
  middleware and a card that counts PIN tries (docs/piv.md). OpenSC names the keys after
  their slots: "PIV AUTH key" is 9A.

  Background:
    Given the PKCS#11 token "piv-token"

  Scenario: The card's RSA-2048 key in 9A signs; OpenSSL verifies
    Given I am logged in as the user with PIN "123456"
    When I sign "Hello World!\n" with "PIV AUTH key" using CKM_SHA256_RSA_PKCS
    Then the signature has 256 bytes
    And the signature verifies with "PIV AUTH pubkey" using CKM_SHA256_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "PIV AUTH pubkey"

  Scenario: Three wrong PINs lock the card's PIN
    When I log in as the user with PIN "111111"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "222222"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "333333"
    Then it fails with CKR_PIN_LOCKED
    When I log in as the user with PIN "123456"
    Then it fails with CKR_PIN_LOCKED

  Scenario: Every scenario gets a fresh card, with all its PIN tries
    When I log in as the user with PIN "123456"
    And I log out
