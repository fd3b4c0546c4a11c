Feature: Writing specs: variables, tables, TLV and errors
  Values can be saved and reused, environment variables keep secrets out of feature
  files, tables send many APDUs in one step, and TLV checks look inside FCIs.

  Background:
    Given a card is inserted

  Scenario: A saved response is reused in a later step
    When I send the APDU "00 B0 81 00 05"
    And I save the response data as "greeting"
    And I send the APDU "00 B0 81 00 00"
    Then the response data matches "${greeting} *"

  Scenario: GET CHALLENGE answers 8 random bytes
    When I send the APDU "00 84 00 00 08"
    Then the status word is "9000"
    And the response data has 8 bytes
    And the response data matches "XX XX XX XX .. .. .. .."

  Scenario: Tag checks look inside nested templates
    When I send the APDU "00 A4 00 04 02 7F 10"
    Then the status word is "9000"
    And the response data contains tag "62"
    And tag "82" in the response data is "38"
    And tag "84" in the response data is "F0 43 41 52 44 53 50 45 43"

  Scenario: The card refuses what it does not know
    When I send the APDUs:
      | command        | status |
      | 80 B0 00 00 05 | 6E00   |
      | 10 B0 00 00 05 | 6884   |
      | 01 B0 00 00 05 | 6881   |
      | 0C B0 00 00 05 | 6882   |
      | 00 FE 00 00    | 6D00   |
      | 00 C0 00 00 05 | 6985   |
      | 00 B0 00 00 05 | 6986   |
      | 00 B0 00 00 05 01 | 6700 |
