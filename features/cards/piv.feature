@simulator-only
Feature: The virtual PIV card
  The piv profile is a PIV card (NIST SP 800-73-4) with YubiKey's extensions, beside the
  ISO 7816-4 card OS (docs/piv.md). It spends PIN tries, so it runs on the simulator only.

  Background:
    Given the card "piv" is inserted

  Scenario: SELECT by the truncated AID answers the application property template
    When I send the APDU "00 A4 04 00 05 A0 00 00 03 08 00"
    Then the status word is "9000"
    And tag "4F" in the response data is "00 00 10 00 01 00"
    And tag "79" in the response data is "4F 05 A0 00 00 03 08"

  Scenario: GET DATA of the discovery object, the CHUID and the 9A certificate
    When I send the APDUs:
      | command                                  | status | data                                                          |
      | 00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 | 9000   |                                                               |
      | 00 CB 3F FF 03 5C 01 7E 00               | 9000   | 7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00 |
      | 00 CB 3F FF 05 5C 03 5F C1 0B 00         | 6A82   | empty                                                         |
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 02 00"
    Then the status word is "9000"
    And the response data matches "53 3B 30 19 D4 E7 39 DA *"
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 05 00"
    Then the status word is "9000"
    And the response data matches "53 82 03 36 70 82 03 2D 30 82 *"
    And the response data has 826 bytes

  Scenario: Three wrong PINs block the PIN; the PUK unblocks it
    When I send the APDUs:
      | command                                                         | status | data  |
      | 00 A4 04 00 05 A0 00 00 03 08                                   | 9000   |       |
      | 00 20 00 80                                                     | 63C3   | empty |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF                          | 63C2   | empty |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF                          | 63C1   | empty |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF                          | 6983   | empty |
      | 00 20 00 80 08 31 32 33 34 35 36 FF FF                          | 6983   | empty |
      | 00 2C 00 80 10 31 32 33 34 35 36 37 38 31 32 33 34 35 36 FF FF | 9000   | empty |
      | 00 20 00 80 08 31 32 33 34 35 36 FF FF                          | 9000   | empty |
      | 00 20 00 80                                                     | 9000   | empty |

  Scenario: Every scenario gets a fresh card, with all its PIN tries
    When I send the APDUs:
      | command                       | status | data  |
      | 00 A4 04 00 05 A0 00 00 03 08 | 9000   |       |
      | 00 20 00 80                   | 63C3   | empty |

  Scenario: Before the PIV application is selected, the card is a plain ISO 7816-4 card
    When I send the APDU "00 CB 3F FF 03 5C 01 7E 00"
    Then the status word is "6D00"
