Feature: SELECT
  Files are selected by file id, by path or by the name (AID) of an application.

  Background:
    Given a card is inserted

  Scenario: The FCP of an EF holds its descriptor, id and size
    When I send the APDU "00 A4 00 04 02 00 01"
    Then the status word is "9000"
    And the response data is "62 0B 82 01 01 83 02 00 01 80 02 00 0D"

  Scenario: An application is selected by its full name
    When I send the APDU "00 A4 04 00 09 F0 43 41 52 44 53 50 45 43"
    Then the status word is "9000"
    And the response data is "6F 0B 84 09 F0 43 41 52 44 53 50 45 43"

  Scenario: A partial name is not enough
    When I send the APDU "00 A4 04 00 05 F0 43 41 52 44"
    Then the status word is "6A82"

  Scenario: A path from the MF reaches a file inside the application
    When I send the APDU "00 A4 08 0C 04 7F 10 01 01"
    Then the status word is "9000"
    And the response data is empty
    When I send the APDU "00 B0 00 00 00"
    Then the response data is the text "inside the app"

  Scenario: A failed SELECT keeps the current file
    When I send the APDU "00 A4 00 0C 02 00 01"
    And I send the APDU "00 A4 00 0C 02 12 34"
    Then the status word is "6A82"
    When I send the APDU "00 B0 00 00 05"
    Then the status word is "9000"
    And the response data is "48 65 6C 6C 6F"

  Scenario: An unknown selection mode is refused
    When I send the APDU "00 A4 07 0C 02 3F 00"
    Then the status word is "6A86"
