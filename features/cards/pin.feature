Feature: PIN 1 and its PUK
  PIN 1 protects EF 0003. Three wrong tries block it; the PUK unblocks it. Tries
  counters live on the card: resets do not restore them.

  Background:
    Given a card is inserted
    And I send the APDU "00 A4 00 0C 02 00 03"

  Scenario: The protected file opens once PIN 1 is verified
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "6982"
    When I send the APDU "00 20 00 01 04 ${ascii:${env:CARD_PIN}}"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is the text "top secret"

  @simulator-only
  Scenario: VERIFY without data tells the tries left
    When I send the APDU "00 20 00 01"
    Then the status word is "63C3"

  @simulator-only @destructive
  Scenario: Three wrong PINs block it, and then even the right one is refused
    When I send the APDUs:
      | command                        | status | data  |
      | 00 20 00 01 04 ${ascii:1111}   | 63C2   | empty |
      | 00 20 00 01 04 ${ascii:1111}   | 63C1   |       |
      | 00 20 00 01 04 ${ascii:1111}   | 6983   |       |
      | 00 20 00 01 04 ${ascii:1234}   | 6983   |       |
      | 00 20 00 01                    | 6983   |       |

  @simulator-only @destructive
  Scenario: The PUK unblocks the PIN and sets a new one
    When I send the APDUs:
      | command                      | status |
      | 00 20 00 01 04 ${ascii:0000} | 63C2   |
      | 00 20 00 01 04 ${ascii:0000} | 63C1   |
      | 00 20 00 01 04 ${ascii:0000} | 6983   |
    When I send the APDU "00 2C 00 01 0C ${ascii:12345678} ${ascii:4321}"
    Then the status word is "9000"
    When I send the APDU "00 20 00 01"
    Then the status word is "63C3"
    When I send the APDU "00 20 00 01 04 ${ascii:4321}"
    Then the status word is "9000"

  @simulator-only
  Scenario: A PIN of the wrong length costs no try
    When I send the APDU "00 20 00 01 03 31 32 33"
    Then the status word is "6700"
    When I send the APDU "00 20 00 01"
    Then the status word is "63C3"

  @simulator-only @destructive
  Scenario: CHANGE REFERENCE DATA replaces the PIN and leaves it verified
    When I send the APDU "00 24 00 01 09 ${ascii:1234} ${ascii:24680}"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    When I send the APDU "00 20 00 01 04 ${ascii:1234}"
    Then the status word is "63C2"
