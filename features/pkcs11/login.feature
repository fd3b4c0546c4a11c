Feature: Logging in to the token
  SoftHSM never locks a PIN, so wrong PINs can be tried as often as a spec likes.

  Background:
    Given the PKCS#11 token "harness-token"

  Scenario: The user logs in and out
    When I log in as the user with PIN "1234"
    And I log out

  Scenario: A wrong user PIN is refused
    When I log in as the user with PIN "0000"
    Then it fails with CKR_PIN_INCORRECT

  # @softhsm-only: on a PIV card the SO PIN is the PUK, which no VERIFY checks: OpenSC's SO login fails with CKR_GENERAL_ERROR (docs/piv.md).
  @softhsm-only
  Scenario: A wrong security-officer PIN is refused
    When I log in as the security officer with PIN "1234"
    Then it fails with CKR_PIN_INCORRECT

  Scenario: Logging in twice is an error, "Given I am logged in" is not
    Given I am logged in as the user with PIN "1234"
    And I am logged in as the user
    When I log in as the user with PIN "1234"
    Then it fails with CKR_USER_ALREADY_LOGGED_IN

  # @softhsm-only: no SO login on a PIV card (see above).
  @softhsm-only
  Scenario: The user and the security officer cannot be logged in at once
    Given I am logged in as the security officer with PIN "5678"
    When I log in as the user with PIN "1234"
    Then it fails with CKR_USER_ANOTHER_ALREADY_LOGGED_IN

  Scenario: Private keys need a login
    When I sign "Hello" with "nobody" using CKM_SHA256_RSA_PKCS
    Then it fails with CARDSPEC_NO_OBJECT
