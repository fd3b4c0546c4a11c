@simulator-only
Feature: Faults on purpose behave as docs/steps.md and docs/faults.md promise
  Written from docs/steps.md and docs/faults.md alone. Every fault is followed by a scenario
  that uses the same reader normally: "the next scenario's `Given a card is inserted`
  always gets a well-behaved card in the same reader".

  Scenario: An APDU timeout alone changes nothing
    Given a card is inserted
    And the APDU timeout is 500 ms
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the response data is the text "Hello World!\n"

  Scenario: A late card gives the normal answer, later
    Given a card is inserted
    And the card answers after 200 ms
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is the text "Hello World!\n"

  Scenario: After a late card the reader answers normally
    Given a card is inserted
    When I send the APDU "00 B2 01 14 00"
    Then the status word is "9000"
    And the response data is the text "one"

  Scenario: A card later than the APDU timeout is mute
    Given a card is inserted
    And the APDU timeout is 300 ms
    And the card answers after 1000 ms
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with CARDSPEC_CARD_MUTE

  Scenario: After a too-late card the reader answers normally
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 05"
    Then the response data is the text "Hello"

  Scenario: A forced status word is answered without looking at the APDU
    Given a card is inserted
    And the card answers "6F00" to the next APDU
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "6F00"
    And the response data is empty
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: A forced answer with data, and two forced answers queue up
    Given a card is inserted
    And the card answers "01 02 03 90 00" to the next APDU
    And the card answers "6A82" to the next APDU
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is "01 02 03"
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "6A82"
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: Automatic GET RESPONSE applies to a forced 61xx answer
    # The card has nothing pending, so the GET RESPONSE the harness sends answers 6985
    # (docs/demo-cards.md); without automatic GET RESPONSE the step would see 610D.
    Given a card is inserted
    And the card answers "61 0D" to the next APDU
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "6985"

  Scenario: Automatic re-send applies to a forced 6Cxx answer
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    Given the card answers "6C05" to the next APDU
    When I send the APDU "00 B0 00 00 02"
    Then the status word is "9000"
    And the response data is the text "Hello"

  Scenario: A forced answer with automatic GET RESPONSE off is seen as is
    Given a card is inserted
    And automatic GET RESPONSE is off
    And the card answers "61 0D" to the next APDU
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "610D"

  Scenario: After forced answers the reader answers normally
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the response data is the text "Hello World!\n"

  Scenario: The card goes mute after one APDU
    Given a card is inserted
    And the APDU timeout is 300 ms
    And the card goes mute after 1 APDU
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then it fails with CARDSPEC_CARD_MUTE

  Scenario: A mute card is taken out; inserted again it answers
    Given a card is inserted
    And the APDU timeout is 300 ms
    And the card goes mute after 0 APDUs
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with CARDSPEC_CARD_MUTE
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with SCARD_W_REMOVED_CARD
    When the card is inserted again
    And I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: After a mute card the reader answers normally
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the response data is the text "Hello World!\n"

  Scenario: The card is removed during the next APDU
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When the card is removed during the next APDU
    And I send the APDU "00 B0 00 00 00"
    Then it fails with SCARD_W_REMOVED_CARD

  Scenario: Removed during an APDU, inserted again it is freshly powered up
    Given a card is inserted
    When I send the APDU "00 20 00 01 04 ${ascii:${env:CARD_PIN}}"
    Then the status word is "9000"
    When the card is removed during the next APDU
    And I send the APDU "00 A4 00 0C 02 00 03"
    Then it fails with SCARD_W_REMOVED_CARD
    When the card is inserted again
    And I send the APDU "00 A4 00 0C 02 00 03"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "6982"

  Scenario: After a removal during an APDU the reader answers normally
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the response data is the text "Hello World!\n"

  Scenario: pcscd restarts: the old connection's next APDU has no service
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When pcscd restarts
    And I send the APDU "00 B0 00 00 00"
    Then it fails with SCARD_E_NO_SERVICE

  Scenario: After a pcscd restart a new card connects and answers
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the response data is the text "Hello World!\n"
