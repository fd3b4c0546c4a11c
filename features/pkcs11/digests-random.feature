Feature: Digests and random numbers
  Digests match the published test vectors (FIPS 180-4 examples, "abc").
  Neither needs a login.

  Background:
    Given the PKCS#11 token "harness-token"

  Scenario Outline: <mechanism> of "abc"
    When I digest "abc" using <mechanism>
    Then the digest is "<digest>"

    Examples:
      | mechanism  | digest                                                                                                                           |
      | CKM_SHA_1  | A9993E36 4706816A BA3E2571 7850C26C 9CD0D89D                                                                                     |
      | CKM_SHA256 | BA7816BF 8F01CFEA 414140DE 5DAE2223 B00361A3 96177A9C B410FF61 F20015AD                                                          |
      | CKM_SHA384 | CB00753F 45A35E8B B5A03D69 9AC65007 272C32AB 0EDED163 1A8B605A 43FF5BED 8086072B A1E7CC23 58BAECA1 34C825A7                      |
      | CKM_SHA512 | DDAF35A1 93617ABA CC417349 AE204131 12E6FA4E 89A97EA2 0A9EEEE6 4B55D39A 2192992A 274FC1A8 36BA3C23 A3FEEBBD 454D4423 643CE80E 2A9AC94F A54CA49F |

  Scenario: SHA-256 of the empty message, written as hex data
    When I digest the hex data "" using CKM_SHA256
    Then the digest is "E3B0C442 98FC1C14 9AFBF4C8 996FB924 27AE41E4 649B934C A495991B 7852B855"

  Scenario: SHA-224 of the two-block FIPS message
    Given the token offers CKM_SHA224
    When I digest "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" using CKM_SHA224
    Then the digest is "75388B16 512776CC 5DBA5DA1 FD890150 B0C6455C B4F58B19 52522525"

  Scenario: Random bytes
    When I generate 32 random bytes
    Then I get 32 bytes
