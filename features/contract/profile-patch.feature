@simulator-only
Feature: Profiles that extend and patch the demo card, as docs/card-profiles.md promises
  Written from docs/card-profiles.md and docs/demo-cards.md alone. The profiles are in
  profiles/ next to this file.

  Scenario: The parent's ATR stays when the child does not give one
    Given the card "profiles/patched-demo.yaml" is inserted
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"

  Scenario: A file the parent lacks is added under the MF
    Given the card "profiles/patched-demo.yaml" is inserted
    When I send the APDU "00 A4 00 0C 02 00 04"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is the text "one more file"

  Scenario: EF 0002 of the parent stays when a file is added
    Given the card "profiles/patched-demo.yaml" is inserted
    When I send the APDUs:
      | command              | status | data         |
      | 00 A4 00 0C 02 00 02 | 9000   | empty        |
      | 00 B2 01 04 00       | 9000   | ${ascii:one} |
      | 00 B2 02 04 00       | 9000   | ${ascii:two} |
      | 00 B2 03 04 00       | 9000   | ${ascii:three} |
      | 00 B2 04 04 00       | 6A83   | empty        |

  Scenario: Every other file of the parent stays
    Given the card "profiles/patched-demo.yaml" is inserted
    When I send the APDUs:
      | command                                 | status | data                       |
      | 00 A4 00 0C 02 00 01                    | 9000   | empty                      |
      | 00 B0 00 00 00                          | 9000   | 48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A |
      | 00 A4 00 0C 02 2F 00                    | 9000   | empty                      |
      | 00 A4 04 0C 09 F0 43 41 52 44 53 50 45 43 | 9000 | empty                      |
      | 00 A4 02 0C 02 01 01                    | 9000   | empty                      |
      | 00 B0 00 00 00                          | 9000   | ${ascii:inside the app}    |

  Scenario: A file added inside the application DF by path
    Given the card "profiles/patched-demo.yaml" is inserted
    When I send the APDU "00 A4 08 0C 04 7F 10 01 02"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the response data is the text "inside the app too"

  Scenario: A patched file of the parent changes only its content; its access rule stays
    Given the card "profiles/patched-demo.yaml" is inserted
    When I send the APDU "00 A4 00 0C 02 00 03"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "6982"
    When I send the APDU "00 20 00 01 06 ${ascii:123456}"
    Then the status word is "9000"
    When I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is "00 11 22 33"

  Scenario: The patched EF 0003 has the size of its new content
    Given the card "profiles/patched-demo.yaml" is inserted
    When I send the APDU "00 A4 00 04 02 00 03 00"
    Then the response data is "62 0B 82 01 01 83 02 00 03 80 02 00 04"

  Scenario: The child's PIN replaces the parent's
    Given the card "profiles/patched-demo.yaml" is inserted
    When I send the APDU "00 20 00 01"
    Then the status word is "63C5"
    When I send the APDU "00 20 00 01 04 31 32 33 34"
    Then the status word is "6700"
    When I send the APDU "00 20 00 01 06 31 31 31 31 31 31"
    Then the status word is "63C4"
    When I send the APDU "00 2C 00 01 0E ${ascii:87654321} ${ascii:654321}"
    Then the status word is "9000"
    When I send the APDU "00 20 00 01 06 ${ascii:654321}"
    Then the status word is "9000"

  Scenario: Without pins and atr the parent's stay; a file inside the DF is patched by path
    Given the card "profiles/patched-keep-pins.yaml" is inserted
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"
    When I send the APDUs:
      | command                    | status | data                      |
      | 00 20 00 01                | 63C3   | empty                     |
      | 00 A4 08 0C 04 7F 10 01 01 | 9000   | empty                     |
      | 00 B0 00 00 00             | 9000   | ${ascii:patched app file} |
      | 00 A4 00 0C 02 3F 00       | 9000   | empty                     |
      | 00 A4 00 0C 02 00 05       | 9000   | empty                     |
      | 00 B2 02 04 00             | 9000   | ${ascii:beta}             |
      | 00 A4 00 0C 02 00 02       | 9000   | empty                     |
      | 00 B2 03 04 00             | 9000   | ${ascii:three}            |
      | 00 A4 00 0C 02 00 03       | 9000   | empty                     |
      | 00 20 00 01 04 ${ascii:${env:CARD_PIN}} | 9000 | empty          |
      | 00 B0 00 00 00             | 9000   | ${ascii:top secret}       |

  Scenario: files: replaces the parent's whole tree, so EF 0002 is gone
    Given the card "profiles/small-card.yaml" is inserted
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"
    When I send the APDUs:
      | command              | status | data  |
      | 00 A4 00 0C 02 00 02 | 6A82   | empty |
      | 00 A4 00 0C 02 00 01 | 9000   | empty |
      | 00 B0 00 00 05       | 9000   | ${ascii:Hello} |
      | 00 B2 01 F4 00       | 9000   | 61 * |

  Scenario: A profile that extends the demo card leaves the demo card unchanged
    Given a card is inserted
    When I send the APDUs:
      | command              | status | data  |
      | 00 A4 00 0C 02 00 04 | 6A82   | empty |
      | 00 A4 00 0C 02 00 03 | 9000   | empty |
      | 00 20 00 01          | 63C3   | empty |
