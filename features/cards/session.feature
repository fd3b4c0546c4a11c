Feature: Resets, power cycles and removal
  A reset or a power cycle clears what was verified, never a tries counter. A removed card
  keeps its files and counters when it is inserted again.

  Background:
    Given a card is inserted

  Scenario: A reset forgets the verified PIN
    When I send the APDU "00 20 00 01 04 ${ascii:${env:CARD_PIN}}"
    Then the status word is "9000"
    When the card is reset
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"
    When I send the APDU "00 B0 83 00 00"
    Then the status word is "6982"

  @simulator-only
  Scenario: A power cycle keeps the tries counter
    When I send the APDU "00 20 00 01 04 ${ascii:9999}"
    Then the status word is "63C2"
    When the card is powered off and on
    And I send the APDU "00 20 00 01"
    Then the status word is "63C2"

  @simulator-only
  Scenario: A removed card cannot answer, and comes back as it was
    When I send the APDU "00 20 00 01 04 ${ascii:9999}"
    And the card is removed
    And I send the APDU "00 B0 81 00 00"
    Then it fails with SCARD_W_REMOVED_CARD
    When the card is inserted again
    And I send the APDU "00 20 00 01"
    Then the status word is "63C2"

  @simulator-only
  Scenario: Every scenario starts with a fresh card
    When I send the APDU "00 20 00 01"
    Then the status word is "63C3"
