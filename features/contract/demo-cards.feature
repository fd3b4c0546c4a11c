@simulator-only
Feature: The demo cards behave as docs/demo-cards.md promises
  Written from docs/steps.md and docs/demo-cards.md alone, without the project's sources: a check of
  the contract, byte for byte. The simulator's fresh card per scenario is assumed.

  # ---------------------------------------------------------------- ATR

  Scenario: The iso7816-demo ATR
    Given a card is inserted
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"
    And the ATR is "3B88014341524453504543 98"
    And the ATR is "3B:88:01:43:41:52:44:53:50:45:43:98"
    And the ATR matches "3B XX 01 *"
    And the ATR matches "3B 88 01 43 41 52 44 53 50 45 43 98"
    And the ATR matches "3B .. 01 43 XX XX XX XX XX XX XX 98"
    And the ATR offers protocol "T=1"
    And the historical bytes are "43 41 52 44 53 50 45 43"
    And the historical bytes are "${ascii:CARDSPEC}"

  Scenario: The iso7816-t0 ATR
    Given the card "iso7816-t0" is inserted
    Then the ATR is "3B 08 43 41 52 44 53 50 45 43"
    And the ATR matches "3B 08 *"
    And the ATR matches "3B XX 43 41 52 44 53 50 45 43"
    And the ATR offers protocol "T=0"
    And the historical bytes are "43 41 52 44 53 50 45 43"

  Scenario: Default card is iso7816-demo when named explicitly
    Given the card "iso7816-demo" is inserted
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"

  # ---------------------------------------------------------------- SELECT

  Scenario: SELECT the MF with each P2
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 3F 00"
    Then the status word is "9000"
    And the response data is empty
    When I send the APDU "00 A4 00 00 02 3F 00 00"
    Then the status word is "9000"
    And the response data is "6F 04 83 02 3F 00"
    When I send the APDU "00 A4 00 04 02 3F 00 00"
    Then the status word is "9000"
    And the response data is "62 07 82 01 38 83 02 3F 00"

  Scenario: FCI and FCP of every EF of the MF
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data                                   |
      | 00 A4 00 04 02 00 01 00 | 9000   | 62 0B 82 01 01 83 02 00 01 80 02 00 0D |
      | 00 A4 00 00 02 00 01 00 | 9000   | 6F 08 83 02 00 01 80 02 00 0D          |
      | 00 A4 00 04 02 00 02 00 | 9000   | 62 0B 82 01 04 83 02 00 02 80 02 00 0B |
      | 00 A4 00 00 02 00 02 00 | 9000   | 6F 08 83 02 00 02 80 02 00 0B          |
      | 00 A4 00 04 02 00 03 00 | 9000   | 62 0B 82 01 01 83 02 00 03 80 02 00 0A |
      | 00 A4 00 00 02 00 03 00 | 9000   | 6F 08 83 02 00 03 80 02 00 0A          |
      | 00 A4 00 04 02 2F 00 00 | 9000   | 62 0B 82 01 04 83 02 2F 00 80 02 00 17 |
      | 00 A4 00 00 02 2F 00 00 | 9000   | 6F 08 83 02 2F 00 80 02 00 17          |
      | 00 A4 00 0C 02 2F 00    | 9000   | empty                                  |

  Scenario: FCI of the DF by file id differs from FCI by name; FCP is the same
    Given a card is inserted
    When I send the APDU "00 A4 00 00 02 7F 10 00"
    Then the status word is "9000"
    And the response data is "6F 04 83 02 7F 10"
    # P1 00 finds the current DF's children and parent, not the current DF itself: back to the MF.
    When I send the APDU "00 A4 00 0C 02 3F 00"
    And I send the APDU "00 A4 00 04 02 7F 10 00"
    Then the status word is "9000"
    And the response data is "62 12 82 01 38 83 02 7F 10 84 09 F0 43 41 52 44 53 50 45 43"
    When I send the APDU "00 A4 04 00 09 F0 43 41 52 44 53 50 45 43 00"
    Then the status word is "9000"
    And the response data is "6F 0B 84 09 F0 43 41 52 44 53 50 45 43"
    And tag "84" in the response data is "F0 43 41 52 44 53 50 45 43"
    When I send the APDU "00 A4 04 04 09 F0 43 41 52 44 53 50 45 43 00"
    Then the status word is "9000"
    And the response data is "62 12 82 01 38 83 02 7F 10 84 09 F0 43 41 52 44 53 50 45 43"
    And tag "82" in the response data is "38"
    And tag "83" in the response data is "7F 10"
    When I send the APDU "00 A4 04 0C 09 F0 43 41 52 44 53 50 45 43"
    Then the status word is "9000"
    And the response data is empty

  Scenario: The EF inside the application
    Given a card is inserted
    When I send the APDUs:
      | command                                     | status | data                                   |
      | 00 A4 04 0C 09 F0 43 41 52 44 53 50 45 43   | 9000   | empty                                  |
      | 00 A4 00 04 02 01 01 00                     | 9000   | 62 0B 82 01 01 83 02 01 01 80 02 00 0E |
      | 00 A4 00 00 02 01 01 00                     | 9000   | 6F 08 83 02 01 01 80 02 00 0E          |
      | 00 B0 00 00 00                              | 9000   | ${ascii:inside the app}                |

  Scenario: SELECT by a partial name answers 6A82; a name works from anywhere
    Given a card is inserted
    When I send the APDU "00 A4 04 0C 05 F0 43 41 52 44"
    Then the status word is "6A82"
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"
    When I send the APDU "00 A4 04 0C 09 F0 43 41 52 44 53 50 45 43"
    Then the status word is "9000"
    # selecting a DF clears the current EF
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "6986"
    When I send the APDU "00 A4 04 0C 09 F0 43 41 52 44 53 50 45 43"
    Then the status word is "9000"

  Scenario: SELECT by path from the MF (P1 08)
    Given a card is inserted
    When I send the APDUs:
      | command                          | status | data                                   |
      | 00 A4 08 0C 04 7F 10 01 01       | 9000   | empty                                  |
      | 00 B0 00 00 00                   | 9000   | ${ascii:inside the app}                |
      | 00 A4 08 0C 02 00 01             | 9000   | empty                                  |
      | 00 B0 00 00 05                   | 9000   | ${ascii:Hello}                         |
      | 00 A4 08 04 02 7F 10 00          | 9000   | 62 12 82 01 38 83 02 7F 10 84 09 F0 43 41 52 44 53 50 45 43 |
      | 00 A4 08 00 02 7F 10 00          | 9000   | 6F 04 83 02 7F 10                      |
      | 00 A4 08 04 04 7F 10 01 01 00    | 9000   | 62 0B 82 01 01 83 02 01 01 80 02 00 0E |
      | 00 A4 08 00 04 7F 10 01 01 00    | 9000   | 6F 08 83 02 01 01 80 02 00 0E          |
      | 00 A4 08 0C 04 7F 10 99 99       | 6A82   | empty                                  |
      | 00 B0 00 00 00                   | 9000   | ${ascii:inside the app}                |

  Scenario: SELECT by path from the current DF (P1 09)
    Given a card is inserted
    When I send the APDUs:
      | command                          | status | data                                   |
      | 00 A4 09 0C 04 7F 10 01 01       | 9000   | empty                                  |
      | 00 B0 00 00 00                   | 9000   | ${ascii:inside the app}                |
      | 00 A4 09 0C 02 01 01             | 9000   | empty                                  |
      | 00 A4 09 0C 02 00 01             | 6A82   | empty                                  |
      | 00 B0 00 00 00                   | 9000   | ${ascii:inside the app}                |
      | 00 A4 00 0C 02 3F 00             | 9000   | empty                                  |
      | 00 A4 09 0C 02 00 01             | 9000   | empty                                  |
      | 00 B0 00 00 00                   | 9000   | 48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A |

  Scenario: SELECT an EF under the current DF (P1 02)
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data                                   |
      | 00 A4 02 0C 02 00 01    | 9000   | empty                                  |
      | 00 A4 02 04 02 00 02 00 | 9000   | 62 0B 82 01 04 83 02 00 02 80 02 00 0B |
      | 00 A4 02 0C 02 7F 10    | 6A82   | empty                                  |
      | 00 A4 02 0C 02 01 01    | 6A82   | empty                                  |
      | 00 B2 01 04 00          | 9000   | ${ascii:one}                           |
      | 00 A4 00 0C 02 7F 10    | 9000   | empty                                  |
      | 00 A4 02 0C 02 01 01    | 9000   | empty                                  |
      | 00 A4 02 0C 02 00 01    | 6A82   | empty                                  |

  Scenario: P1 00 selects among children, the parent, or 3F00 only
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data                 |
      | 00 A4 00 0C 02 01 01    | 6A82   | empty                |
      | 00 A4 00 0C 02 7F 10    | 9000   | empty                |
      | 00 A4 00 0C 02 00 01    | 6A82   | empty                |
      | 00 A4 00 0C 02 01 01    | 9000   | empty                |
      | 00 A4 00 0C 02 3F 00    | 9000   | empty                |
      | 00 A4 00 0C 02 00 01    | 9000   | empty                |
      | 00 B0 00 00 05          | 9000   | ${ascii:Hello}       |

  Scenario: Selecting the parent of the application by its id gives back the MF
    Given a card is inserted
    When I send the APDU "00 A4 08 0C 04 7F 10 01 01"
    Then the status word is "9000"
    When I send the APDU "00 A4 00 00 02 3F 00 00"
    Then the status word is "9000"
    And the response data is "6F 04 83 02 3F 00"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "6986"
    When I send the APDU "00 A4 00 0C 02 00 02"
    Then the status word is "9000"

  Scenario: Other P1 values answer 6A86 and leave the state
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data  |
      | 00 A4 00 0C 02 00 01    | 9000   | empty |
      | 00 A4 01 0C 02 7F 10    | 6A86   | empty |
      | 00 A4 03 0C 00          | 6A86   |       |
      | 00 A4 03 0C             | 6A86   |       |
      | 00 A4 05 0C 02 3F 00    | 6A86   | empty |
      | 00 A4 FF 0C 02 3F 00    | 6A86   | empty |
      | 00 B0 00 00 05          | 9000   | ${ascii:Hello} |

  Scenario: A failed SELECT keeps the current DF and EF
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 7F 10"
    And I send the APDU "00 A4 00 0C 02 01 01"
    Then the status word is "9000"
    When I send the APDU "00 A4 00 0C 02 99 99"
    Then the status word is "6A82"
    When I send the APDU "00 A4 04 0C 09 F0 43 41 52 44 53 50 45 44"
    Then the status word is "6A82"
    When I send the APDU "00 A4 08 0C 02 99 99"
    Then the status word is "6A82"
    When I send the APDU "00 B0 00 07 00"
    Then the status word is "9000"
    And the response data is "${ascii:the app}"
    # the current DF is still 7F10: 0101 is found by id, 0001 is not
    When I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "6A82"
    When I send the APDU "00 B0 00 00 06"
    Then the response data is "${ascii:inside}"
    When I send the APDU "00 A4 02 0C 02 01 01"
    Then the status word is "9000"

  Scenario: Extended-length SELECT is accepted
    Given a card is inserted
    When I send the APDU "00 A4 00 04 00 00 02 00 01 00 00"
    Then the status word is "9000"
    And the response data is "62 0B 82 01 01 83 02 00 01 80 02 00 0D"

  # ---------------------------------------------------------------- READ BINARY

  Scenario: READ BINARY offsets and lengths
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data                         |
      | 00 A4 00 0C 02 00 01    | 9000   | empty                        |
      | 00 B0 00 00 00          | 9000   | ${ascii:Hello World!}0A      |
      | 00 B0 00 00 05          | 9000   | 48 65 6C 6C 6F               |
      | 00 B0 00 00 0D          | 9000   | ${ascii:Hello World!}0A      |
      | 00 B0 00 06 07          | 9000   | ${ascii:World!}0A            |
      | 00 B0 00 06 00          | 9000   | ${ascii:World!}0A            |
      | 00 B0 00 06 10          | 6282   | ${ascii:World!}0A            |
      | 00 B0 00 00 0E          | 6282   | ${ascii:Hello World!}0A      |
      | 00 B0 00 0C 00          | 9000   | 0A                           |
      | 00 B0 00 0C 05          | 6282   | 0A                           |
      | 00 B0 00 0D 00          | 6B00   | empty                        |
      | 00 B0 00 0D 01          | 6B00   | empty                        |
      | 00 B0 00 20 00          | 6B00   | empty                        |
      | 00 B0 7F FF 01          | 6B00   | empty                        |

  Scenario: READ BINARY with extended Le
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data                         |
      | 00 A4 00 0C 02 00 01    | 9000   | empty                        |
      | 00 B0 00 00 00 00 00    | 9000   | ${ascii:Hello World!}0A      |
      | 00 B0 00 00 00 00 05    | 9000   | ${ascii:Hello}               |
      | 00 B0 00 06 00 01 00    | 6282   | ${ascii:World!}0A            |
      | 00 B0 00 0D 00 00 00    | 6B00   | empty                        |

  Scenario: READ BINARY by SFI makes the EF current
    Given a card is inserted
    When I send the APDU "00 B0 81 00 00"
    Then the status word is "9000"
    And the response data is "48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A"
    And the response data has 13 bytes
    When I send the APDU "00 B0 00 06 05"
    Then the status word is "9000"
    And the response data is "${ascii:World}"
    When I send the APDU "00 B0 81 06 05"
    Then the response data is "${ascii:World}"
    When I send the APDU "00 B0 81 0D 00"
    Then the status word is "6B00"
    When I send the APDU "00 B0 9D 00 00"
    Then the status word is "6A82"
    When I send the APDU "00 B0 00 00 05"
    Then the status word is "9000"
    And the response data is "${ascii:Hello}"

  Scenario: SFI names an EF under the current DF only
    Given a card is inserted
    When I send the APDU "00 A4 04 0C 09 F0 43 41 52 44 53 50 45 43"
    And I send the APDU "00 B0 81 00 00"
    Then the status word is "6A82"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "6986"

  Scenario: EF 0003 needs PIN 1
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 03"
    And I send the APDU "00 B0 00 00 00"
    Then the status word is "6982"
    And the response data is empty
    When I send the APDU "00 B0 83 00 00"
    Then the status word is "6982"
    When I send the APDU "00 20 00 01 04 ${ascii:${env:CARD_PIN}}"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is "${ascii:top secret}"
    When I send the APDU "00 B0 83 04 00"
    Then the response data is "${ascii:secret}"

  # ---------------------------------------------------------------- READ RECORD

  Scenario: READ RECORD on the current EF
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data             |
      | 00 A4 00 0C 02 00 02    | 9000   | empty            |
      | 00 B2 01 04 00          | 9000   | ${ascii:one}     |
      | 00 B2 02 04 00          | 9000   | ${ascii:two}     |
      | 00 B2 03 04 00          | 9000   | 74 68 72 65 65   |
      | 00 B2 01 04 03          | 9000   | ${ascii:one}     |
      | 00 B2 03 04 05          | 9000   | ${ascii:three}   |
      | 00 B2 04 04 00          | 6A83   | empty            |
      | 00 B2 00 04 00          | 6A83   | empty            |
      | 00 B2 FF 04 00          | 6A83   | empty            |

  Scenario: READ RECORD with a wrong Le and automatic GET RESPONSE off answers 6Cxx
    Given a card is inserted
    And automatic GET RESPONSE is off
    When I send the APDUs:
      | command                 | status | data             |
      | 00 A4 00 0C 02 00 02    | 9000   | empty            |
      | 00 B2 03 04 02          | 6C05   | empty            |
      | 00 B2 03 04 10          | 6C05   | empty            |
      | 00 B2 01 04 05          | 6C03   | empty            |
      | 00 B2 03 04 05          | 9000   | ${ascii:three}   |
      | 00 B2 02 14 01          | 6C03   | empty            |

  Scenario: READ RECORD with a wrong Le and automatic GET RESPONSE on re-sends with the right Le
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 02"
    And I send the APDU "00 B2 03 04 02"
    Then the status word is "9000"
    And the response data is "${ascii:three}"
    Given automatic GET RESPONSE is off
    When I send the APDU "00 B2 03 04 02"
    Then the status word is "6C05"
    Given automatic GET RESPONSE is on
    When I send the APDU "00 B2 01 04 7F"
    Then the status word is "9000"
    And the response data is "${ascii:one}"

  Scenario: READ RECORD by SFI, EF.DIR and nested tags
    Given a card is inserted
    When I send the APDU "00 B2 01 F4 00"
    Then the status word is "9000"
    And the response data is "61 15 4F 09 F0 43 41 52 44 53 50 45 43 50 08 64 65 6D 6F 2D 61 70 70"
    And the response data contains tag "61"
    And the response data contains tag "4F"
    And the response data contains tag "50"
    And tag "4F" in the response data is "F0 43 41 52 44 53 50 45 43"
    And tag "50" in the response data is "${ascii:demo-app}"
    And tag "61" in the response data is "4F 09 F0 43 41 52 44 53 50 45 43 50 08 64 65 6D 6F 2D 61 70 70"
    And the response data matches "61 15 4F 09 F0 *"
    And the response data matches "61 .. 4F XX F0 43 41 52 44 53 50 45 43 50 08 64 65 6D 6F 2D 61 70 70"
    When I send the APDU "00 B2 02 F4 00"
    Then the status word is "6A83"
    # the SFI read made EF.DIR current
    When I send the APDU "00 B2 01 04 00"
    Then the status word is "9000"
    And the response data has 23 bytes
    When I send the APDU "00 B2 02 14 00"
    Then the response data is "${ascii:two}"
    When I send the APDU "00 B2 03 04 00"
    Then the response data is "${ascii:three}"

  Scenario: Other READ RECORD P2 modes answer 6A86
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data  |
      | 00 A4 00 0C 02 00 02    | 9000   | empty |
      | 00 B2 01 00 00          | 6A86   | empty |
      | 00 B2 01 02 00          | 6A86   | empty |
      | 00 B2 01 05 00          | 6A86   | empty |
      | 00 B2 01 06 00          | 6A86   | empty |
      | 00 B2 01 15 00          | 6A86   | empty |
      | 00 B2 01 04 00          | 9000   | ${ascii:one} |

  Scenario: Cross-type reads answer 6981
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data  |
      | 00 A4 00 0C 02 00 01    | 9000   | empty |
      | 00 B2 01 04 00          | 6981   | empty |
      | 00 B2 01 0C 00          | 6981   | empty |
      | 00 A4 00 0C 02 00 02    | 9000   | empty |
      | 00 B0 00 00 00          | 6981   | empty |
      | 00 B0 82 00 00          | 6981   | empty |
      | 00 A4 00 0C 02 2F 00    | 9000   | empty |
      | 00 B0 00 00 01          | 6981   | empty |

  Scenario: No current EF answers 6986
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data  |
      | 00 B0 00 00 00          | 6986   | empty |
      | 00 B2 01 04 00          | 6986   | empty |
      | 00 A4 00 0C 02 00 01    | 9000   | empty |
      | 00 A4 00 0C 02 3F 00    | 9000   | empty |
      | 00 B0 00 00 00          | 6986   | empty |
      | 00 A4 00 0C 02 00 01    | 9000   | empty |
      | 00 A4 00 0C 02 7F 10    | 9000   | empty |
      | 00 B2 01 04 00          | 6986   | empty |

  # ---------------------------------------------------------------- error precedence

  Scenario: When several errors apply the first in the order answers
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data  |
      # CLA before INS
      | 80 EE 00 00 00          | 6E00   | empty |
      | 10 EE 00 00 00          | 6884   | empty |
      # CLA before P1-P2 and file
      | 0C A4 05 0C 02 99 99    | 6882   | empty |
      | 80 B0 00 20 00          | 6E00   | empty |
      # INS: unknown
      | 00 EE 00 00 00          | 6D00   | empty |
      | 00 EE 05 FF 00          | 6D00   | empty |
      # P1-P2 before length
      | 00 A4 05 0C 01 3F       | 6A86   | empty |
      # P1-P2 before file (no current EF)
      | 00 B2 01 05 00          | 6A86   | empty |
      # P1-P2 before record (P1 00 would be 6A83)
      | 00 B2 00 05 00          | 6A86   | empty |
      # length before file
      | 00 A4 00 0C 03 99 99 99 | 6700   | empty |
      # file before offset / record
      | 00 B0 00 20 00          | 6986   | empty |
      | 00 B2 00 04 00          | 6986   | empty |
      | 00 B2 09 04 00          | 6986   | empty |
      | 00 B0 9D 20 00          | 6A82   | empty |
      | 00 B2 00 EC 00          | 6A82   | empty |
      | 00 A4 00 0C 02 00 02    | 9000   | empty |
      | 00 B0 00 20 00          | 6981   | empty |
      | 00 A4 00 0C 02 00 01    | 9000   | empty |
      | 00 B2 00 04 00          | 6981   | empty |
      | 00 B2 09 04 00          | 6981   | empty |
      # file before security: READ RECORD on the protected transparent EF
      | 00 A4 00 0C 02 00 03    | 9000   | empty |
      | 00 B2 01 04 00          | 6981   | empty |
      # security before offset
      | 00 B0 00 20 00          | 6982   | empty |
      | 00 B0 00 0A 00          | 6982   | empty |
      # P1-P2 before length, CLA before length
      | 00 B0 80 00             | 6A86   | empty |
      | 80 B0 00 00             | 6E00   | empty |
      | 00 B0 00 00             | 6700   | empty |

  # ---------------------------------------------------------------- CLA

  Scenario: CLA checks
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data  |
      | 80 A4 00 0C 02 3F 00    | 6E00   | empty |
      | 81 A4 00 0C 02 3F 00    | 6E00   | empty |
      | A0 A4 00 0C 02 3F 00    | 6E00   | empty |
      | FF A4 00 0C 02 3F 00    | 6E00   | empty |
      | 10 A4 00 0C 02 3F 00    | 6884   | empty |
      | 01 A4 00 0C 02 3F 00    | 6881   | empty |
      | 02 A4 00 0C 02 3F 00    | 6881   | empty |
      | 03 A4 00 0C 02 3F 00    | 6881   | empty |
      | 40 A4 00 0C 02 3F 00    | 6881   | empty |
      | 45 A4 00 0C 02 3F 00    | 6881   | empty |
      | 04 A4 00 0C 02 3F 00    | 6882   | empty |
      | 08 A4 00 0C 02 3F 00    | 6882   | empty |
      | 0C A4 00 0C 02 3F 00    | 6882   | empty |
      | 80 84 00 00 08          | 6E00   | empty |
      | 00 A4 00 0C 02 3F 00    | 9000   | empty |

  Scenario: A rejected CLA does not change the state
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    And I send the APDU "01 A4 00 0C 02 00 02"
    Then the status word is "6881"
    When I send the APDU "00 B0 00 00 05"
    Then the status word is "9000"
    And the response data is "${ascii:Hello}"

  # ---------------------------------------------------------------- other commands

  Scenario: GET CHALLENGE answers 8 random bytes
    Given a card is inserted
    When I send the APDU "00 84 00 00 08"
    Then the status word is "9000"
    And the response data has 8 bytes
    And the response data matches "XX XX XX XX XX XX XX XX"
    When I save the response data as "challenge-1"
    And I send the APDU "00 84 00 00 08"
    Then the status word is "9000"
    And the response data has 8 bytes

  Scenario: GET RESPONSE with nothing pending answers 6985
    Given a card is inserted
    When I send the APDU "00 C0 00 00 00"
    Then the status word is "6985"
    And the response data is empty
    When I send the APDU "00 A4 00 0C 02 00 01"
    And I send the APDU "00 C0 00 00 0D"
    Then the status word is "6985"
    When I send the APDU "00 A4 00 04 02 00 01 00"
    And I send the APDU "00 C0 00 00 0D"
    Then the status word is "6985"

  Scenario: Unknown INS answers 6D00
    Given a card is inserted
    When I send the APDU "00 EE 00 00"
    Then the status word is "6D00"
    When I send the APDU "00 12 00 00 00"
    Then the status word is "6D00"

  # ---------------------------------------------------------------- PIN 1

  Scenario: Wrong PINs count down and block; blocked answers 6983 even to the right PIN
    Given a card is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01                              | 63C3   | empty |
      | 00 20 00 01 04 31 31 31 31               | 63C2   | empty |
      | 00 20 00 01                              | 63C2   |       |
      | 00 20 00 01 04 31 31 31 31               | 63C1   | empty |
      | 00 20 00 01                              | 63C1   |       |
      | 00 20 00 01 04 31 31 31 31               | 6983   | empty |
      | 00 20 00 01                              | 6983   |       |
      | 00 20 00 01 04 ${ascii:${env:CARD_PIN}}  | 6983   | empty |
      | 00 20 00 01                              | 6983   |       |
    When I send the APDU "00 A4 00 0C 02 00 03"
    And I send the APDU "00 B0 00 00 00"
    Then the status word is "6982"

  Scenario: The status word pattern 63CX
    Given a card is inserted
    When I send the APDU "00 20 00 01 04 39 39 39 39"
    Then the status word is "63CX"
    And the status word is "63C2"
    And the status word is "6XXX"

  Scenario: A right PIN verifies and restores the tries
    Given a card is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01 04 31 31 31 31               | 63C2   |       |
      | 00 20 00 01 04 31 31 31 31               | 63C1   |       |
      | 00 20 00 01 04 ${ascii:${env:CARD_PIN}}  | 9000   | empty |
      | 00 20 00 01                              | 9000   | empty |
      | 00 A4 00 0C 02 00 03                     | 9000   |       |
      | 00 B0 00 00 00                           | 9000   | ${ascii:top secret} |
    When I send the APDU "00 20 00 01 04 ${ascii:${env:CARD_PIN}}"
    Then the status word is "9000"
    When I send the APDU "00 20 00 01 04 31 31 31 31"
    Then the status word is "63C2"

  Scenario: A PIN of the wrong length answers 6700 and costs no try
    Given a card is inserted
    When I send the APDUs:
      | command                                        | status | data  |
      | 00 20 00 01 03 31 32 33                        | 6700   | empty |
      | 00 20 00 01                                    | 63C3   |       |
      | 00 20 00 01 09 31 32 33 34 35 36 37 38 39      | 6700   | empty |
      | 00 20 00 01 01 31                              | 6700   | empty |
      | 00 20 00 01                                    | 63C3   |       |
      | 00 20 00 01 08 31 32 33 34 35 36 37 38         | 63C2   |       |
      | 00 20 00 01 05 31 32 33 34 35                  | 63C1   |       |
      | 00 20 00 01 03 31 32 33                        | 6700   |       |
      | 00 20 00 01                                    | 63C1   |       |
      | 00 20 00 01 04 31 32 33 34                     | 9000   |       |

  Scenario: CHANGE REFERENCE DATA changes the PIN and leaves it verified
    Given a card is inserted
    When I send the APDUs:
      | command                                                      | status | data  |
      | 00 20 00 01 04 31 31 31 31                                   | 63C2   |       |
      | 00 24 00 01 0A ${ascii:${env:CARD_PIN}} ${ascii:987654}      | 9000   | empty |
      | 00 20 00 01                                                  | 9000   |       |
      | 00 A4 00 0C 02 00 03                                         | 9000   |       |
      | 00 B0 00 00 00                                               | 9000   | ${ascii:top secret} |
    When the card is reset
    And I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01                              | 63C3   |       |
      | 00 20 00 01 04 ${ascii:${env:CARD_PIN}}  | 63C2   |       |
      | 00 20 00 01 06 ${ascii:987654}           | 9000   |       |

  Scenario: CHANGE REFERENCE DATA with a wrong current value costs like VERIFY
    Given a card is inserted
    When I send the APDUs:
      | command                                                 | status | data  |
      | 00 24 00 01 08 ${ascii:1111} ${ascii:5678}              | 63C2   | empty |
      | 00 20 00 01                                             | 63C2   |       |
      | 00 24 00 01 08 ${ascii:1111} ${ascii:5678}              | 63C1   |       |
      | 00 24 00 01 08 ${ascii:1111} ${ascii:5678}              | 6983   |       |
      | 00 24 00 01 08 ${ascii:1234} ${ascii:5678}              | 6983   |       |
      | 00 20 00 01 04 ${ascii:1234}                            | 6983   |       |
      | 00 20 00 01 04 ${ascii:5678}                            | 6983   |       |

  Scenario: CHANGE REFERENCE DATA with a new value of the wrong length answers 6700
    Given a card is inserted
    When I send the APDUs:
      | command                                                  | status | data  |
      | 00 24 00 01 07 ${ascii:1234} ${ascii:567}                | 6700   |       |
      | 00 24 00 01 0D ${ascii:1234} ${ascii:123456789}          | 6700   |       |
      | 00 20 00 01 04 ${ascii:1234}                             | 9000   |       |

  Scenario: RESET RETRY COUNTER unblocks the PIN without verifying it
    Given a card is inserted
    When I send the APDUs:
      | command                                                 | status | data  |
      | 00 20 00 01 04 ${ascii:0000}                            | 63C2   |       |
      | 00 20 00 01 04 ${ascii:0000}                            | 63C1   |       |
      | 00 20 00 01 04 ${ascii:0000}                            | 6983   |       |
      | 00 2C 00 01 0C ${ascii:12345678} ${ascii:4321}          | 9000   | empty |
      | 00 20 00 01                                             | 63C3   |       |
      | 00 A4 00 0C 02 00 03                                    | 9000   |       |
      | 00 B0 00 00 00                                          | 6982   |       |
      | 00 20 00 01 04 ${ascii:1234}                            | 63C2   |       |
      | 00 20 00 01 04 ${ascii:4321}                            | 9000   |       |
      | 00 B0 00 00 00                                          | 9000   | ${ascii:top secret} |

  Scenario: RESET RETRY COUNTER when the PIN is not blocked
    Given a card is inserted
    When I send the APDUs:
      | command                                                 | status | data  |
      | 00 20 00 01 04 ${ascii:1234}                            | 9000   |       |
      | 00 2C 00 01 10 ${ascii:12345678} ${ascii:87654321}      | 9000   |       |
      | 00 20 00 01 08 ${ascii:87654321}                        | 9000   |       |

  Scenario: A wrong PUK counts down from 10 and blocks
    Given a card is inserted
    When I send the APDUs:
      | command                                                 | status | data  |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C9   | empty |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C8   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C7   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C6   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C5   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C4   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C3   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C2   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C1   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 6983   | empty |
      | 00 2C 00 01 0C ${ascii:12345678} ${ascii:4321}          | 6983   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 6983   |       |
      | 00 20 00 01 04 ${ascii:4321}                            | 63C2   |       |
      | 00 20 00 01 04 ${ascii:1234}                            | 9000   |       |

  Scenario: A right PUK sets the PUK tries back to 10
    Given a card is inserted
    When I send the APDUs:
      | command                                                 | status | data  |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C9   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C8   |       |
      | 00 2C 00 01 0C ${ascii:12345678} ${ascii:4321}          | 9000   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}          | 63C9   |       |

  Scenario: PIN counters are fresh in every scenario
    Given a card is inserted
    When I send the APDU "00 20 00 01"
    Then the status word is "63C3"
    When I send the APDU "00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}"
    Then the status word is "63C9"

  # ---------------------------------------------------------------- reset, power, removal

  Scenario: A reset clears the verified state and the current file, not the counters
    Given a card is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01 04 ${ascii:0000}             | 63C2   |       |
      | 00 20 00 01 04 ${ascii:1234}             | 9000   |       |
      | 00 20 00 01 04 ${ascii:0000}             | 63C2   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:1234} | 63C9   |   |
      | 00 A4 00 0C 02 7F 10                     | 9000   |       |
      | 00 A4 00 0C 02 01 01                     | 9000   |       |
    When the card is reset
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 B0 00 00 00                           | 6986   | empty |
      | 00 20 00 01                              | 63C2   |       |
      | 00 2C 00 01 0C ${ascii:00000000} ${ascii:1234} | 63C8   |   |
      | 00 A4 00 0C 02 00 01                     | 9000   |       |

  Scenario: A verified PIN is forgotten after a reset
    Given a card is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01 04 ${ascii:1234}             | 9000   |       |
      | 00 20 00 01                              | 9000   |       |
    When the card is reset
    And I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01                              | 63C3   |       |
      | 00 A4 00 0C 02 00 03                     | 9000   |       |
      | 00 B0 00 00 00                           | 6982   |       |

  Scenario: A power cycle clears the verified state, not the counters
    Given a card is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01 04 ${ascii:1234}             | 9000   |       |
      | 00 A4 00 0C 02 00 01                     | 9000   |       |
    When the card is powered off and on
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01                              | 63C3   |       |
      | 00 B0 00 00 00                           | 6986   |       |
      | 00 20 00 01 04 ${ascii:0000}             | 63C2   |       |
    When the card is powered off and on
    And I send the APDU "00 20 00 01"
    Then the status word is "63C2"

  Scenario: A blocked PIN stays blocked through a reset
    Given a card is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01 04 ${ascii:0000}             | 63C2   |       |
      | 00 20 00 01 04 ${ascii:0000}             | 63C1   |       |
      | 00 20 00 01 04 ${ascii:0000}             | 6983   |       |
    When the card is reset
    And I send the APDU "00 20 00 01 04 ${ascii:1234}"
    Then the status word is "6983"

  Scenario: Removing and reinserting the card keeps counters and files, clears the verified state
    Given a card is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01 04 ${ascii:0000}             | 63C2   |       |
      | 00 24 00 01 09 ${ascii:1234} ${ascii:55555} | 9000 |       |
      | 00 20 00 01 04 ${ascii:0000}             | 63C2   |       |
    When the card is removed
    And I send the APDU "00 A4 00 0C 02 3F 00"
    Then it fails with SCARD_W_REMOVED_CARD
    When the card is inserted again
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01                              | 63C2   |       |
      | 00 B0 00 00 00                           | 6986   |       |
      | 00 A4 00 0C 02 00 03                     | 9000   |       |
      | 00 B0 00 00 00                           | 6982   |       |
      | 00 20 00 01 05 ${ascii:55555}            | 9000   |       |

  Scenario: Removing the T=0 card keeps its state too
    Given the card "iso7816-t0" is inserted
    When I send the APDU "00 20 00 01 04 ${ascii:0000}"
    Then the status word is "63C2"
    When the card is removed
    And the card is inserted again
    Then the ATR is "3B 08 43 41 52 44 53 50 45 43"
    When I send the APDU "00 20 00 01"
    Then the status word is "63C2"

  Scenario: Every scenario gets a fresh card (part 1: change and block)
    Given a card is inserted
    When I send the APDU "00 24 00 01 08 ${ascii:1234} ${ascii:9999}"
    Then the status word is "9000"
    When I send the APDU "00 20 00 01 04 ${ascii:0000}"
    And I send the APDU "00 20 00 01 04 ${ascii:0000}"
    And I send the APDU "00 20 00 01 04 ${ascii:0000}"
    Then the status word is "6983"

  Scenario: Every scenario gets a fresh card (part 2: original PIN, 3 tries)
    Given a card is inserted
    When I send the APDU "00 20 00 01"
    Then the status word is "63C3"
    When I send the APDU "00 20 00 01 04 ${ascii:1234}"
    Then the status word is "9000"

  # ---------------------------------------------------------------- T=0

  Scenario: T=0 case-4 SELECT answers 61xx and hands the data out in pieces
    Given the card "iso7816-t0" is inserted
    And automatic GET RESPONSE is off
    When I send the APDUs:
      | command                 | status | data                                   |
      | 00 A4 00 04 02 00 01 00 | 610D   | empty                                  |
      | 00 C0 00 00 05          | 6108   | 62 0B 82 01 01                         |
      | 00 C0 00 00 03          | 6105   | 83 02 00                               |
      | 00 C0 00 00 05          | 9000   | 01 80 02 00 0D                         |
      | 00 C0 00 00 05          | 6985   | empty                                  |
      | 00 A4 00 00 02 00 01    | 610A   | empty                                  |
      | 00 C0 00 00 0A          | 9000   | 6F 08 83 02 00 01 80 02 00 0D          |
      | 00 A4 00 00 02 3F 00 FF | 6106   | empty                                  |
      | 00 C0 00 00 06          | 9000   | 6F 04 83 02 3F 00                      |
      | 00 A4 04 00 09 F0 43 41 52 44 53 50 45 43 00 | 610D | empty              |
      | 00 C0 00 00 0D          | 9000   | 6F 0B 84 09 F0 43 41 52 44 53 50 45 43 |
      | 00 A4 00 0C 02 01 01    | 9000   | empty                                  |

  Scenario: T=0 GET RESPONSE with Le larger than pending answers 6Cxx
    Given the card "iso7816-t0" is inserted
    And automatic GET RESPONSE is off
    When I send the APDUs:
      | command                 | status | data                                   |
      | 00 A4 00 04 02 00 02 00 | 610D   | empty                                  |
      | 00 C0 00 00 20          | 6C0D   | empty                                  |
      | 00 C0 00 00 00          | 6C0D   | empty                                  |
      | 00 C0 00 00 0D          | 9000   | 62 0B 82 01 04 83 02 00 02 80 02 00 0B |

  Scenario: T=0 with automatic GET RESPONSE on sees the whole data
    Given the card "iso7816-t0" is inserted
    When I send the APDU "00 A4 00 04 02 00 01 00"
    Then the status word is "9000"
    And the response data is "62 0B 82 01 01 83 02 00 01 80 02 00 0D"
    When I send the APDU "00 A4 04 04 09 F0 43 41 52 44 53 50 45 43 00"
    Then the status word is "9000"
    And the response data is "62 12 82 01 38 83 02 7F 10 84 09 F0 43 41 52 44 53 50 45 43"
    When I send the APDU "00 A4 00 00 02 01 01"
    Then the status word is "9000"
    And the response data is "6F 08 83 02 01 01 80 02 00 0E"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is "${ascii:inside the app}"

  Scenario: T=0 any other command discards pending data
    Given the card "iso7816-t0" is inserted
    And automatic GET RESPONSE is off
    When I send the APDUs:
      | command                 | status | data            |
      | 00 A4 00 04 02 00 01 00 | 610D   | empty           |
      | 00 B0 00 00 05          | 9000   | ${ascii:Hello}  |
      | 00 C0 00 00 0D          | 6985   | empty           |
      | 00 A4 00 04 02 00 01 00 | 610D   | empty           |
      | 00 C0 00 00 05          | 6108   | 62 0B 82 01 01  |
      | 00 84 00 00 08          | 9000   |                 |
      | 00 C0 00 00 08          | 6985   | empty           |

  Scenario: T=0 READ BINARY: Le 00 means 256, larger Le answers 6Cxx
    Given the card "iso7816-t0" is inserted
    And automatic GET RESPONSE is off
    When I send the APDUs:
      | command                 | status | data                     |
      | 00 A4 00 0C 02 00 01    | 9000   | empty                    |
      | 00 B0 00 00 00          | 6C0D   | empty                    |
      | 00 B0 00 00 05          | 9000   | ${ascii:Hello}           |
      | 00 B0 00 00 0D          | 9000   | ${ascii:Hello World!}0A  |
      | 00 B0 00 06 10          | 6C07   | empty                    |
      | 00 B0 00 06 07          | 9000   | ${ascii:World!}0A        |
      | 00 B0 00 0D 01          | 6B00   | empty                    |

  Scenario: T=0 READ BINARY with automatic GET RESPONSE on
    Given the card "iso7816-t0" is inserted
    When I send the APDUs:
      | command                 | status | data                     |
      | 00 A4 00 0C 02 00 01    | 9000   | empty                    |
      | 00 B0 00 00 00          | 9000   | ${ascii:Hello World!}0A  |
      | 00 B0 00 06 10          | 9000   | ${ascii:World!}0A        |

  Scenario: T=0 READ RECORD answers 6Cxx unless Le is the record length
    Given the card "iso7816-t0" is inserted
    And automatic GET RESPONSE is off
    When I send the APDUs:
      | command                 | status | data              |
      | 00 A4 00 0C 02 00 02    | 9000   | empty             |
      | 00 B2 01 04 00          | 6C03   | empty             |
      | 00 B2 03 04 00          | 6C05   | empty             |
      | 00 B2 03 04 05          | 9000   | ${ascii:three}    |
      | 00 B2 02 04 01          | 6C03   | empty             |
    Given automatic GET RESPONSE is on
    When I send the APDU "00 B2 03 04 00"
    Then the status word is "9000"
    And the response data is "${ascii:three}"

  Scenario: T=0 extended-length APDUs answer 6700
    Given the card "iso7816-t0" is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    And I send the APDU "00 B0 00 00 00 00 00"
    Then the status word is "6700"
    And the response data is empty
    When I send the APDU "00 A4 00 04 00 00 02 00 01 00 00"
    Then the status word is "6700"

  Scenario: T=0 card has the same PIN rules
    Given the card "iso7816-t0" is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01                              | 63C3   |       |
      | 00 20 00 01 04 ${ascii:0000}             | 63C2   |       |
      | 00 20 00 01 04 ${ascii:1234}             | 9000   |       |
      | 00 A4 00 0C 02 00 03                     | 9000   |       |
      | 00 B0 00 00 0A                           | 9000   | ${ascii:top secret} |
      | 80 A4 00 0C 02 3F 00                     | 6E00   |       |
      | 00 C0 00 00 00                           | 6985   |       |

  # ---------------------------------------------------------------- variables and tables

  Scenario: Saved values, environment values and nested forms
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 00 01"
    And I send the APDU "00 B0 00 00 05"
    And I save the response data as "hello_1"
    And I send the APDU "00 B0 00 06 06"
    And I save the response data as "world-2"
    Then the response data is "${world-2}"
    When I send the APDU "00 B0 00 00 0C"
    Then the response data is "${hello_1} 20 ${world-2}"
    And the response data matches "${hello_1} *"
    And the response data is "${ascii:Hello World!}"
    When I send the APDU "00 20 00 01 04 ${ascii:${env:CARD_PIN}}"
    Then the status word is "9000"
    When I send the APDUs:
      | command                                 | status | data                |
      | 00 20 00 01 04 ${ascii:${env:CARD_PIN}} | 9000   | empty               |
      | 00 B0 00 00 05                          | 9000   | ${hello_1}          |
      | 00 B0 00 06 06                          |        | ${world-2}          |
      | 00 B0 00 00 0C                          | 9000   | ${hello_1}20${world-2} |

  Scenario: Hex may be written with spaces, without, or with colons
    Given a card is inserted
    When I send the APDU "00A4000C020001"
    Then the status word is "9000"
    When I send the APDU "00:B0:00:00:05"
    Then the status word is "90:00"
    And the response data is "48656C6C6F"
    And the response data is "48:65:6C:6C:6F"
    And the response data is "48 65 6c 6c 6f"

  Scenario: Tables: an empty cell is not checked, "empty" demands no data
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data           |
      | 00 A4 00 0C 02 00 01    |        |                |
      | 00 B0 00 00 05          |        | 48 65 *        |
      | 00 B0 00 00 05          | 9000   |                |
      | 00 B0 00 0D 00          | 6B00   | empty          |
      | 00 B0 00 00 05          | 90XX   | 48 XX .. 6C 6F |
      | 00 84 00 00 08          | 9000   | XX XX XX XX *  |
    Then the status word is "9000"
    And the response data has 8 bytes

  Scenario: Data patterns
    Given a card is inserted
    When I send the APDU "00 B0 81 00 00"
    Then the response data matches "48 XX XX 6C *"
    And the response data matches "48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A *"
    And the response data matches "XX XX XX XX XX XX XX XX XX XX XX XX 0A"
    And the response data matches "*"
    And the response data matches ".. .. .. .. .. .. .. .. .. .. .. .. .."

  Scenario: Tag steps on an FCP: first match depth-first
    Given a card is inserted
    When I send the APDU "00 A4 04 04 09 F0 43 41 52 44 53 50 45 43 00"
    Then the response data contains tag "62"
    And the response data contains tag "84"
    And tag "62" in the response data is "82 01 38 83 02 7F 10 84 09 F0 43 41 52 44 53 50 45 43"
    And tag "84" in the response data is "F0 43 41 52 44 53 50 45 43"
    And tag "84" in the response data is "F0 ${ascii:CARDSPEC}"

  Scenario: A wrong-length PIN is a length error even when the PIN is blocked
    Given a card is inserted
    When I send the APDUs:
      | command                                  | status | data  |
      | 00 20 00 01 04 ${ascii:0000}             | 63C2   |       |
      | 00 20 00 01 04 ${ascii:0000}             | 63C1   |       |
      | 00 20 00 01 04 ${ascii:0000}             | 6983   |       |
      | 00 20 00 01 02 ${ascii:00}               | 6700   | empty |
      | 00 20 00 01 09 ${ascii:123456789}        | 6700   | empty |
      | 00 20 00 01                              | 6983   |       |

  Scenario: CLA bits combined: the checks apply in the order DEMO-CARD lists them
    Given a card is inserted
    When I send the APDUs:
      | command                 | status | data  |
      | 90 A4 00 0C 02 3F 00    | 6E00   | empty |
      | 11 A4 00 0C 02 3F 00    | 6884   | empty |
      | 14 A4 00 0C 02 3F 00    | 6884   | empty |
      | 05 A4 00 0C 02 3F 00    | 6881   | empty |
      | 0F A4 00 0C 02 3F 00    | 6881   | empty |

  Scenario: READ RECORD with extended Le
    Given a card is inserted
    And automatic GET RESPONSE is off
    When I send the APDUs:
      | command                 | status | data            |
      | 00 B2 01 14 00 00 00    | 9000   | ${ascii:one}    |
      | 00 B2 03 14 00 00 05    | 9000   | ${ascii:three}  |
      | 00 B2 03 14 00 00 02    | 6C05   | empty           |
    Given automatic GET RESPONSE is on
    When I send the APDU "00 B2 03 14 00 00 02"
    Then the status word is "9000"
    And the response data is "${ascii:three}"

  Scenario: P1 09 from the MF to the DF gives the id-based FCI
    Given a card is inserted
    When I send the APDU "00 A4 09 00 02 7F 10 00"
    Then the status word is "9000"
    And the response data is "6F 04 83 02 7F 10"
    And the response data contains tag "6F"
    And the response data contains tag "83"
    When I send the APDU "00 A4 09 04 02 01 01 00"
    Then the status word is "9000"
    And the response data is "62 0B 82 01 01 83 02 01 01 80 02 00 0E"
    And tag "80" in the response data is "00 0E"
    And tag "82" in the response data is "01"

  Scenario: The current DF is not among the files P1 00 selects (children, parent, 3F00)
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 7F 10"
    Then the status word is "9000"
    When I send the APDU "00 A4 00 0C 02 7F 10"
    Then the status word is "6A82"

  Scenario: The harness re-sends a GET RESPONSE answered 6Cxx and gathers 61xx pieces
    Given the card "iso7816-t0" is inserted
    And automatic GET RESPONSE is off
    When I send the APDU "00 A4 00 04 02 00 01 00"
    Then the status word is "610D"
    Given automatic GET RESPONSE is on
    When I send the APDU "00 C0 00 00 20"
    Then the status word is "9000"
    And the response data is "62 0B 82 01 01 83 02 00 01 80 02 00 0D"
    Given automatic GET RESPONSE is off
    When I send the APDU "00 A4 00 04 02 00 01 00"
    Then the status word is "610D"
    Given automatic GET RESPONSE is on
    When I send the APDU "00 C0 00 00 05"
    Then the status word is "9000"
    And the response data is "62 0B 82 01 01 83 02 00 01 80 02 00 0D"

  Scenario: The removed-card error also reaches a table step, and reinsertion restores the MF as current DF
    Given a card is inserted
    When I send the APDU "00 A4 00 0C 02 7F 10"
    And the card is removed
    And I send the APDUs:
      | command              | status |
      | 00 A4 00 0C 02 3F 00 | 9000   |
    Then it fails with SCARD_W_REMOVED_CARD
    When the card is inserted again
    And I send the APDU "00 A4 00 0C 02 00 01"
    Then the status word is "9000"

  Scenario: The PUK counter survives removal, power cycle and reset
    Given a card is inserted
    When I send the APDU "00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}"
    Then the status word is "63C9"
    When the card is removed
    And the card is inserted again
    And I send the APDU "00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}"
    Then the status word is "63C8"
    When the card is powered off and on
    And I send the APDU "00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}"
    Then the status word is "63C7"
    When the card is reset
    And I send the APDU "00 2C 00 01 0C ${ascii:00000000} ${ascii:4321}"
    Then the status word is "63C6"
