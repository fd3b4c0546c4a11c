Feature: READ BINARY and READ RECORD
  Transparent files are read by offset, record files by record number; a short file id
  (SFI) reads a file without selecting it first.

  Background:
    Given a card is inserted

  Scenario: Le 00 reads a transparent file to its end
    When I send the APDU "00 A4 00 0C 02 00 01"
    And I send the APDU "00 B0 00 00 00"
    Then the status word is "9000"
    And the response data is "48 65 6C 6C 6F 20 57 6F 72 6C 64 21 0A"
    And the response data is the text "Hello World!\n"
    And the response data has 13 bytes

  Scenario: Reading past the end answers what is left with a warning
    When I send the APDU "00 B0 81 06 10"
    Then the status word is "6282"
    And the response data is the text "World!\n"

  Scenario: An offset at the end of the file is refused
    When I send the APDU "00 B0 81 0D 01"
    Then the status word is "6B00"

  Scenario: Records are read by number through their SFI
    When I send the APDU "00 B2 01 14 00"
    Then the status word is "9000"
    And the response data is the text "one"
    When I send the APDU "00 B2 03 14 00"
    Then the response data is "${ascii:three}"
    When I send the APDU "00 B2 04 14 00"
    Then the status word is "6A83"

  Scenario: A wrong Le on a record is answered 6Cxx, and the harness sends it again
    When I send the APDU "00 B2 02 14 05"
    Then the status word is "9000"
    And the response data is the text "two"

  Scenario: With automatic GET RESPONSE off the step sees the 6Cxx itself
    Given automatic GET RESPONSE is off
    When I send the APDU "00 B2 02 14 05"
    Then the status word is "6C03"
    And the response data is empty

  Scenario: Reading a record file as a transparent one is refused
    When I send the APDU "00 B0 82 00 00"
    Then the status word is "6981"

  Scenario: Extended length reads the whole file
    When I send the APDU "00 B0 81 00 00 00 00"
    Then the status word is "9000"
    And the response data matches "48 65 6C 6C 6F *"

  Scenario: EF.DIR lists the demo application
    When I send the APDU "00 B2 01 F4 00"
    Then the status word is "9000"
    And the response data contains tag "4F"
    And tag "4F" in the response data is "F0 43 41 52 44 53 50 45 43"
    And tag "50" in the response data is "${ascii:demo-app}"
