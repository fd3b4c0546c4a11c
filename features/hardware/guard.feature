@hardware-only
Feature: Physical cards are protected
  On hardware the harness reads the tries left before a command that spends a PIN try,
  and refuses the command when a wrong value would block the PIN, unless the scenario is
  tagged @destructive. Steps that need a person skip the rest of their scenario.

  Scenario: The VERIFY that could block the PIN is never sent
    Given a card is inserted
    When I send the APDU "00 20 00 01 04 ${ascii:0000}"
    Then the status word is "63C2"
    When I send the APDU "00 20 00 01 04 ${ascii:0000}"
    Then the status word is "63C1"
    When I send the APDU "00 20 00 01 04 ${ascii:0000}"
    Then it fails with CARDSPEC_REFUSED
    When I send the APDU "00 20 00 01 04 ${ascii:${env:CARD_PIN}}"
    Then the status word is "9000"

  Scenario: RESET RETRY COUNTER needs @destructive, since PUK tries cannot be read
    Given a card is inserted
    When I send the APDU "00 2C 00 01 0C ${ascii:12345678} ${ascii:${env:CARD_PIN}}"
    Then it fails with CARDSPEC_REFUSED

  Scenario: Taking the card out needs a person
    Given a card is inserted
    When the card is removed
    Then the status word is "9000"
