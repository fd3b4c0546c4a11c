# @piv-only: a PIV card counts PIN tries and has a PUK; SoftHSM never locks a PIN.
# Each scenario gets a fresh card: PIN 1234 and PUK 5678 with 3 tries each (docs/piv.md).
@piv-only
Feature: PIN tries on a PIV card, through OpenSC
  Wrong PINs answer CKR_PIN_INCORRECT, the third CKR_PIN_LOCKED, and the PUK unblocks
  the PIN: C_SetPIN in a session without login takes the PUK as the old PIN.

  Background:
    Given the PKCS#11 token "harness-token"

  Scenario: The third wrong PIN locks it, and then even the right one is refused
    When I log in as the user with PIN "0000"
    Then it fails with CKR_PIN_INCORRECT
    And the token flag CKF_USER_PIN_FINAL_TRY is not set
    When I log in as the user with PIN "0001"
    Then it fails with CKR_PIN_INCORRECT
    And the token flag CKF_USER_PIN_FINAL_TRY is set
    When I log in as the user with PIN "0002"
    Then it fails with CKR_PIN_LOCKED
    And the token flag CKF_USER_PIN_LOCKED is set
    When I log in as the user with PIN "1234"
    Then it fails with CKR_PIN_LOCKED

  Scenario: A right PIN gives the tries back
    When I log in as the user with PIN "0000"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "0001"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "1234"
    And I log out
    Then the token flag CKF_USER_PIN_FINAL_TRY is not set
    And the token flag CKF_USER_PIN_COUNT_LOW is not set

  Scenario: The PUK unblocks a locked PIN and sets a new one
    When I log in as the user with PIN "0000"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "0001"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "0002"
    Then it fails with CKR_PIN_LOCKED
    When I change the PIN from "5678" to "654321"
    Then the token flag CKF_USER_PIN_LOCKED is not set
    When I log in as the user with PIN "654321"
    And I sign "Hello World!\n" with "PIV AUTH key" using CKM_SHA256_RSA_PKCS
    Then OpenSSL verifies the signature with the public key of "PIV AUTH pubkey"

  Scenario: A wrong PUK does not unblock
    When I log in as the user with PIN "0000"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "0001"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "0002"
    Then it fails with CKR_PIN_LOCKED
    When I change the PIN from "8765" to "654321"
    Then it fails with CKR_PIN_INCORRECT
    And the token flag CKF_USER_PIN_LOCKED is set

  Scenario: The user changes the PIN
    Given I am logged in as the user with PIN "1234"
    When I change the PIN from "1234" to "246810"
    And I log out
    And I log in as the user with PIN "1234"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "246810"
    And I sign "Hello World!\n" with "PIV AUTH key" using CKM_SHA256_RSA_PKCS
    Then the signature verifies with "PIV AUTH pubkey" using CKM_SHA256_RSA_PKCS
