@simulator-only
Feature: Cards that misbehave on purpose
  The virtual card answers late, answers what the scenario says, goes mute, or leaves the
  reader in the middle of an APDU, and pcscd restarts. Each fault has one result on the
  harness side (docs/faults.md), and the scenario after it finds the reader as usual.

  Scenario: A late card still answers, later
    Given a card is inserted
    And the card answers after 60 ms
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the response data is the text "Hello World!\n"

  Scenario: After a late card, the next card answers on time
    Given a card is inserted
    Given the APDU timeout is 100 ms
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: A card later than the APDU timeout is mute
    Given a card is inserted
    And the APDU timeout is 100 ms
    And the card answers after 1000 ms
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with CARDSPEC_CARD_MUTE

  Scenario: After a card too late to wait for, the reader holds a card that answers
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: The card answers a status word of the scenario's choosing, once
    Given a card is inserted
    And the card answers "6F00" to the next APDU
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "6F00"
    And the response data is empty
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: The card answers data and a status word of the scenario's choosing
    Given a card is inserted
    And the card answers "CA FE 90 00" to the next APDU
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is "CA FE"

  Scenario: An answer of the scenario's choosing goes through automatic GET RESPONSE
    Given a card is inserted
    And the card answers "01 02 61 03" to the next APDU
    And the card answers "03 04 05 90 00" to the next APDU
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is "01 02 03 04 05"

  Scenario: After a chosen answer, the next card answers its own
    Given a card is inserted
    When I send the APDU "00 B0 81 00 00"
    Then the response data is the text "Hello World!\n"

  Scenario: A card that goes mute fails the APDU with the harness timeout
    Given a card is inserted
    And the APDU timeout is 150 ms
    And the card goes mute after 1 APDU
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then it fails with CARDSPEC_CARD_MUTE

  Scenario: After a mute card, the reader takes a new card that answers
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: A mute card is out of the reader afterwards, and comes back answering
    Given a card is inserted
    And the APDU timeout is 150 ms
    And the card goes mute after 0 APDUs
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with CARDSPEC_CARD_MUTE
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with SCARD_W_REMOVED_CARD
    When the card is inserted again
    And I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: A card taken out during an APDU fails it with SCARD_W_REMOVED_CARD
    Given a card is inserted
    When the card is removed during the next APDU
    And I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with SCARD_W_REMOVED_CARD

  Scenario: After a card taken out during an APDU, a new card answers
    Given a card is inserted
    When I send the APDU "00 B0 81 00 00"
    Then the response data is the text "Hello World!\n"

  Scenario: A card taken out during an APDU can be inserted again
    Given a card is inserted
    When the card is removed during the next APDU
    And I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with SCARD_W_REMOVED_CARD
    When the card is inserted again
    And I send the APDU "00 B0 81 00 00"
    Then the response data is the text "Hello World!\n"

  Scenario: When pcscd restarts, the connection of before is gone
    Given a card is inserted
    When pcscd restarts
    And I send the APDU "00 A4 00 0C 02 00 01"
    Then it fails with SCARD_E_NO_SERVICE
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: After pcscd restarted, the reader works as before
    Given a card is inserted
    When I send the APDU "00 B0 81 00 00"
    Then the response data is the text "Hello World!\n"
