@simulator-only
Feature: The virtual PIV card at the APDU level, as docs/piv.md promises
  Written from docs/piv.md alone, with the documented defaults: PIN 123456 (3 tries),
  PUK 12345678, the try that blocks answers 6983, YubiKey 5.4.3 with serial 12345678.
  Tagged @simulator-only: it spends PIN tries.

  Background:
    Given the card "piv" is inserted

  Scenario: The ATR carries the PIV AID in its historical bytes
    Then the ATR is "3B 8B 01 80 F9 A0 00 00 03 08 00 00 10 00 48"
    And the ATR offers protocol "T=1"

  Scenario: SELECT of the full PIV AID answers the application property template
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    And the response data matches "61 *"
    And tag "4F" in the response data is "00 00 10 00 01 00"
    And the response data contains tag "79"
    And the response data contains tag "50"
    And the response data contains tag "AC"

  Scenario: SELECT of the 9-byte truncated AID (as OpenSC sends it) selects the PIV application
    When I send the APDU "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00"
    Then the status word is "9000"
    And the response data matches "61 *"
    And the response data contains tag "AC"
    When I send the APDU "00 CB 3F FF 03 5C 01 7E 00"
    Then the status word is "9000"
    And the response data matches "7E *"

  Scenario: SELECT of the 5-byte truncated AID (as yubico-piv-tool sends it) selects the PIV application
    When I send the APDU "00 A4 04 00 05 A0 00 00 03 08 00"
    Then the status word is "9000"
    And the response data matches "61 *"
    And the response data contains tag "79"
    When I send the APDU "00 20 00 80"
    Then the status word is "63C3"

  Scenario: GET DATA of the CHUID: the test GUID and expiry
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 02 00"
    Then the status word is "9000"
    # 53 is a primitive BER tag, so the tag steps do not look inside it: the CHUID's
    # fields (SP 800-73-4: 30 FASC-N, 34 GUID, 35 expiry, 3E signature, FE LRC) by position.
    And the response data matches "53 XX 30 19 XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX XX 34 10 ${ascii:cardspec-piv-001} 35 08 ${ascii:20991231} *"

  Scenario: GET DATA of the CCC, the discovery object, the key history and the 9A certificate
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 07 00"
    Then the status word is "9000"
    And the response data matches "53 XX F0 15 A0 00 00 01 16 FF 02 ${ascii:cardspec-piv01} *"
    When I send the APDU "00 CB 3F FF 03 5C 01 7E 00"
    Then the status word is "9000"
    And the response data matches "7E *"
    And tag "5F2F" in the response data is "40 00"
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 0C 00"
    Then the status word is "9000"
    And the response data matches "53 *"
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 05 00"
    Then the status word is "9000"
    And the response data matches "53 82 XX XX 70 82 *"

  Scenario: GET DATA of an absent object answers 6A82; printed information needs the PIN
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 0D 00"
    Then the status word is "6A82"
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 09 00"
    Then the status word is "6982"
    When I send the APDU "00 20 00 80 08 ${ascii:123456} FF FF"
    Then the status word is "9000"
    When I send the APDU "00 CB 3F FF 05 5C 03 5F C1 09 00"
    Then the status word is "9000"
    And the response data matches "53 *"

  Scenario: VERIFY with the FF-padded PIN block, and the status query
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDUs:
      | command                                 | status | data  |
      | 00 20 00 80                             | 63C3   | empty |
      | 00 20 00 80 08 ${ascii:123456} FF FF    | 9000   | empty |
      | 00 20 00 80                             | 9000   | empty |
      | 00 20 FF 80                             | 9000   |       |
      | 00 20 00 80                             | 63C3   | empty |

  Scenario: Wrong PINs count down; the try that blocks answers 6983, then the right PIN too
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDUs:
      | command                                 | status | data  |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF  | 63C2   | empty |
      | 00 20 00 80                             | 63C2   | empty |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF  | 63C1   | empty |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF  | 6983   | empty |
      | 00 20 00 80                             | 6983   | empty |
      | 00 20 00 80 08 ${ascii:123456} FF FF    | 6983   | empty |

  Scenario: A right PIN sets the tries back to 3
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDUs:
      | command                                 | status | data  |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF  | 63C2   | empty |
      | 00 20 00 80 08 ${ascii:123456} FF FF    | 9000   | empty |
      | 00 20 FF 80                             | 9000   |       |
      | 00 20 00 80                             | 63C3   | empty |

  Scenario: The PUK unblocks the PIN with RESET RETRY COUNTER
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDUs:
      | command                                                  | status | data  |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF                   | 63C2   | empty |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF                   | 63C1   | empty |
      | 00 20 00 80 08 31 31 31 31 31 31 FF FF                   | 6983   | empty |
      | 00 2C 00 80 10 ${ascii:12345678} ${ascii:654321} FF FF   | 9000   | empty |
      | 00 20 00 80                                              | 63C3   | empty |
      | 00 20 00 80 08 ${ascii:654321} FF FF                     | 9000   | empty |

  Scenario: A PIN block that is not 8 bytes answers 6A80 and costs no try
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDUs:
      | command                                 | status | data  |
      | 00 20 00 80 06 ${ascii:123456}          | 6A80   | empty |
      | 00 20 00 80 06 31 31 31 31 31 31        | 6A80   | empty |
      | 00 20 00 80                             | 63C3   | empty |

  Scenario: VERIFY of anything but key 80 answers 6A88
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDUs:
      | command                                        | status | data  |
      | 00 20 00 81 08 ${ascii:12345678}               | 6A88   | empty |
      | 00 20 00 00 08 ${ascii:123456} FF FF           | 6A88   | empty |
      | 00 20 00 80                                    | 63C3   | empty |

  Scenario: A reset forgets the verified PIN; the tries counter stays; SELECT again keeps the state
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDU "00 20 00 80 08 ${ascii:123456} FF FF"
    Then the status word is "9000"
    When I send the APDU "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00"
    Then the status word is "9000"
    When I send the APDU "00 20 00 80"
    Then the status word is "9000"
    When I send the APDU "00 20 00 80 08 31 31 31 31 31 31 FF FF"
    Then the status word is "63C2"
    When the card is reset
    And I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDU "00 20 00 80"
    Then the status word is "63C2"

  Scenario: YubiKey GET VERSION and GET SERIAL answer the documented defaults
    When I send the APDU "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"
    Then the status word is "9000"
    When I send the APDU "00 FD 00 00 00"
    Then the status word is "9000"
    And the response data is "05 04 03"
    When I send the APDU "00 F8 00 00 00"
    Then the status word is "9000"
    And the response data is "00 BC 61 4E"
