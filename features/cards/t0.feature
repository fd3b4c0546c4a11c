Feature: A T=0 card
  Over T=0 a card cannot send data and take data in one exchange: it answers 61xx and
  hands the data out through GET RESPONSE; a wrong Le is answered 6Cxx.

  Background:
    Given the card "iso7816-t0" is inserted

  Scenario: The harness fetches the FCP through GET RESPONSE
    When I send the APDU "00 A4 00 04 02 00 01"
    Then the status word is "9000"
    And the response data is "62 0B 82 01 01 83 02 00 01 80 02 00 0D"

  Scenario: GET RESPONSE by hand, in pieces
    Given automatic GET RESPONSE is off
    When I send the APDUs:
      | command              | status | data                    |
      | 00 A4 00 04 02 00 01 | 610D   | empty                   |
      | 00 C0 00 00 05       | 6108   | 62 0B 82 01 01          |
      | 00 C0 00 00 10       | 6C08   | empty                   |
      | 00 C0 00 00 08       | 9000   | 83 02 00 01 80 02 00 0D |
      | 00 C0 00 00 08       | 6985   |                         |

  Scenario: Le 00 means 256 here, so the card asks for the right Le
    Given automatic GET RESPONSE is off
    When I send the APDU "00 B0 81 00 00"
    Then the status word is "6C0D"
    Given automatic GET RESPONSE is on
    When I send the APDU "00 B0 81 00 00"
    Then the status word is "9000"
    And the response data is the text "Hello World!\n"

  Scenario: Extended APDUs do not exist over T=0
    When I send the APDU "00 B0 81 00 00 00 00"
    Then the status word is "6700"
