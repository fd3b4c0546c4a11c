# @softhsm-only: the contract of the SoftHSM token (docs/piv.md: the PIV token card runs features/pkcs11).
@simulator-only @softhsm-only
Feature: Every PKCS#11 step of docs/steps.md against the SoftHSM token
  Written from docs/steps.md alone, without the project's sources: a check of the contract. It
  counts on every mechanism SoftHSM offers: the simulator and the container targets offer them all.

  Background:
    Given the PKCS#11 token "acceptance-token"

  # ---------------------------------------------------------------- login

  Scenario: Every scenario starts logged out; logging in works
    When I log in as the user with PIN "${env:TOKEN_PIN}"
    Then the mechanism CKM_SHA256 is supported

  Scenario: Logging in again in the next scenario works: the login did not outlive the scenario
    When I log in as the user with PIN "1234"
    When I log out
    When I log in as the user with PIN "1234"

  Scenario: A wrong user PIN
    When I log in as the user with PIN "0000"
    Then it fails with CKR_PIN_INCORRECT
    When I log in as the user with PIN "1234"
    And I log out

  Scenario: "Given I am logged in" is idempotent
    Given I am logged in as the user with PIN "1234"
    Given I am logged in as the user with PIN "1234"
    Given an EC-P256 key pair labelled "twice"
    When I sign the SHA-256 digest of "x" with "twice" using CKM_ECDSA
    Then the signature verifies with "twice" using CKM_ECDSA

  Scenario: "When I log in" twice fails as PKCS#11 says
    Given I am logged in as the user with PIN "1234"
    When I log in as the user with PIN "1234"
    Then it fails with CKR_USER_ALREADY_LOGGED_IN

  Scenario: Logging out and in again
    Given I am logged in as the user with PIN "1234"
    When I log out
    And I log in as the user with PIN "${env:TOKEN_PIN}"
    Given an RSA-2048 key pair labelled "after-relogin"
    When I sign "data" with "after-relogin" using CKM_SHA256_RSA_PKCS
    Then the signature verifies with "after-relogin" using CKM_SHA256_RSA_PKCS

  Scenario: The security officer logs in and out
    When I log in as the security officer with PIN "5678"
    And I log out
    When I log in as the security officer with PIN "1234"
    Then it fails with CKR_PIN_INCORRECT

  Scenario: The security officer cannot log in over the user
    Given I am logged in as the user with PIN "1234"
    When I log in as the security officer with PIN "5678"
    Then it fails with CKR_USER_ANOTHER_ALREADY_LOGGED_IN

  # ---------------------------------------------------------------- RSA

  Scenario: RSA-2048 with CKM_SHA256_RSA_PKCS, OpenSSL check, tampering
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "signer"
    When I sign "Hello World!\n" with "signer" using CKM_SHA256_RSA_PKCS
    Then the signature verifies with "signer" using CKM_SHA256_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "signer"
    When I flip a bit in the signature
    Then the signature does not verify with "signer" using CKM_SHA256_RSA_PKCS

  Scenario: RSA-2048 with CKM_SHA384_RSA_PKCS_PSS, OpenSSL check, tampering
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "pss"
    When I sign "Hello World!\n" with "pss" using CKM_SHA384_RSA_PKCS_PSS
    Then the signature verifies with "pss" using CKM_SHA384_RSA_PKCS_PSS
    And OpenSSL verifies the signature with the public key of "pss"
    When I flip a bit in the signature
    Then the signature does not verify with "pss" using CKM_SHA384_RSA_PKCS_PSS

  Scenario: RSA-2048 with CKM_SHA256_RSA_PKCS_PSS
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "pss256"
    When I sign "tab\there" with "pss256" using CKM_SHA256_RSA_PKCS_PSS
    Then the signature verifies with "pss256" using CKM_SHA256_RSA_PKCS_PSS
    And OpenSSL verifies the signature with the public key of "pss256"

  Scenario: A message signed with one hash does not verify with another
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "mix"
    When I sign "Hello World!\n" with "mix" using CKM_SHA256_RSA_PKCS
    Then the signature does not verify with "mix" using CKM_SHA384_RSA_PKCS

  Scenario: Raw CKM_RSA_PKCS on hex data, verified raw and by openssl pkeyutl
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "raw"
    When I sign the hex data "00 11 22" with "raw" using CKM_RSA_PKCS
    Then the signature verifies with "raw" using CKM_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "raw"
    When I flip a bit in the signature
    Then the signature does not verify with "raw" using CKM_RSA_PKCS

  Scenario: Raw CKM_RSA_PKCS on hex data written with colons and without spaces
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "raw2"
    When I sign the hex data "DE:AD:BE:EF" with "raw2" using CKM_RSA_PKCS
    Then the signature verifies with "raw2" using CKM_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "raw2"
    When I sign the hex data "${ascii:abc}00FF" with "raw2" using CKM_RSA_PKCS
    Then the signature verifies with "raw2" using CKM_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "raw2"

  Scenario Outline: CKM_RSA_PKCS over a host <hash> digest (DigestInfo prefixed)
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "host-<hash>"
    When I sign the <hash> digest of "Hello World!\n" with "host-<hash>" using CKM_RSA_PKCS
    Then the signature verifies with "host-<hash>" using CKM_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "host-<hash>"
    When I flip a bit in the signature
    Then the signature does not verify with "host-<hash>" using CKM_RSA_PKCS

    Examples:
      | hash    |
      | SHA-1   |
      | SHA-224 |
      | SHA-256 |
      | SHA-384 |
      | SHA-512 |

  Scenario: A host-digest RSA signature equals the token-hashing one
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "same"
    When I sign the SHA-256 digest of "Hello World!\n" with "same" using CKM_RSA_PKCS
    Then the signature verifies with "same" using CKM_SHA256_RSA_PKCS

  Scenario: RSA-3072 keys
    Given I am logged in as the user with PIN "1234"
    And an RSA-3072 key pair labelled "rsa3072"
    Then the attribute CKA_MODULUS_BITS of "rsa3072" is "3072"
    When I sign "Hello World!\n" with "rsa3072" using CKM_SHA384_RSA_PKCS
    Then the signature verifies with "rsa3072" using CKM_SHA384_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "rsa3072"

  Scenario: RSA-4096 keys
    Given I am logged in as the user with PIN "1234"
    And an RSA-4096 key pair labelled "rsa4096"
    Then the attribute CKA_MODULUS_BITS of "rsa4096" is "4096"
    When I sign "Hello World!\n" with "rsa4096" using CKM_SHA512_RSA_PKCS
    Then the signature verifies with "rsa4096" using CKM_SHA512_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "rsa4096"
    When I sign "Hello World!\n" with "rsa4096" using CKM_SHA512_RSA_PKCS_PSS
    Then OpenSSL verifies the signature with the public key of "rsa4096"

  # ---------------------------------------------------------------- EC and EdDSA

  Scenario: EC-P256 with CKM_ECDSA over a host SHA-256 digest
    Given I am logged in as the user with PIN "1234"
    And an EC-P256 key pair labelled "ec-signer"
    When I sign the SHA-256 digest of "Hello World!\n" with "ec-signer" using CKM_ECDSA
    Then the signature verifies with "ec-signer" using CKM_ECDSA
    And OpenSSL verifies the signature with the public key of "ec-signer"
    When I flip a bit in the signature
    Then the signature does not verify with "ec-signer" using CKM_ECDSA

  Scenario: EC-P384 with CKM_ECDSA over a host SHA-384 digest
    Given I am logged in as the user with PIN "1234"
    And an EC-P384 key pair labelled "ec384"
    When I sign the SHA-384 digest of "Hello World!\n" with "ec384" using CKM_ECDSA
    Then the signature verifies with "ec384" using CKM_ECDSA
    And OpenSSL verifies the signature with the public key of "ec384"
    When I flip a bit in the signature
    Then the signature does not verify with "ec384" using CKM_ECDSA

  Scenario: CKM_ECDSA over raw hex data
    Given I am logged in as the user with PIN "1234"
    And an EC-P256 key pair labelled "ec-raw"
    When I sign the hex data "03BA204E50D126E4674C005E04D82E84C21366780AF1F43BD54A37816B6AB340" with "ec-raw" using CKM_ECDSA
    Then the signature verifies with "ec-raw" using CKM_ECDSA
    And OpenSSL verifies the signature with the public key of "ec-raw"

  Scenario: EC key attributes
    Given I am logged in as the user with PIN "1234"
    And an EC-P256 key pair labelled "ec-attr"
    And an EC-P384 key pair labelled "ec-attr384"
    Then the attribute CKA_EC_PARAMS of "ec-attr" is "06 08 2A 86 48 CE 3D 03 01 07"
    And the attribute CKA_EC_PARAMS of "ec-attr384" is "06 05 2B 81 04 00 22"
    And the attribute CKA_KEY_TYPE of "ec-attr" is "3"
    And the attribute CKA_LABEL of "ec-attr" is "ec-attr"

  Scenario: Ed25519 with CKM_EDDSA
    Given I am logged in as the user with PIN "1234"
    Then the mechanism CKM_EDDSA is supported
    Given an Ed25519 key pair labelled "ed"
    When I sign "Hello World!\n" with "ed" using CKM_EDDSA
    Then the signature verifies with "ed" using CKM_EDDSA
    And OpenSSL verifies the signature with the public key of "ed"
    When I flip a bit in the signature
    Then the signature does not verify with "ed" using CKM_EDDSA

  Scenario: A mechanism the token lacks
    Given I am logged in as the user with PIN "1234"
    And an EC-P256 key pair labelled "ec-lacks"
    When I sign "Hello World!\n" with "ec-lacks" using CKM_ECDSA_SHA256
    Then it fails with CKR_MECHANISM_INVALID
    When I sign "Hello World!\n" with "ec-lacks" using CKM_ECDSA_SHA384
    Then it fails with CKR_MECHANISM_INVALID

  # ---------------------------------------------------------------- OpenSSL both ways

  Scenario: OpenSSL signs with an imported RSA key, the token verifies
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair generated by OpenSSL and imported as "imported"
    When OpenSSL signs "Hello World!\n" with the private key of "imported" using SHA-256
    Then the signature verifies with "imported" using CKM_SHA256_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "imported"
    When I flip a bit in the signature
    Then the signature does not verify with "imported" using CKM_SHA256_RSA_PKCS

  Scenario: The token signs with an imported RSA key, OpenSSL verifies
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair generated by OpenSSL and imported as "imported2"
    When I sign "Hello World!\n" with "imported2" using CKM_SHA384_RSA_PKCS
    Then OpenSSL verifies the signature with the public key of "imported2"
    And the attribute CKA_MODULUS_BITS of "imported2" is "2048"
    And the token has an object labelled "imported2"

  Scenario: OpenSSL signs with SHA-384 using an imported RSA-3072 key
    Given I am logged in as the user with PIN "1234"
    And an RSA-3072 key pair generated by OpenSSL and imported as "imp3072"
    When OpenSSL signs "Hello World!\n" with the private key of "imp3072" using SHA-384
    Then the signature verifies with "imp3072" using CKM_SHA384_RSA_PKCS
    And the attribute CKA_MODULUS_BITS of "imp3072" is "3072"

  Scenario: OpenSSL signs with an imported EC key, the token signs too
    Given I am logged in as the user with PIN "1234"
    And an EC-P256 key pair generated by OpenSSL and imported as "imp-ec"
    When OpenSSL signs "Hello World!\n" with the private key of "imp-ec" using SHA-256
    Then OpenSSL verifies the signature with the public key of "imp-ec"
    When I sign the SHA-256 digest of "Hello World!\n" with "imp-ec" using CKM_ECDSA
    Then the signature verifies with "imp-ec" using CKM_ECDSA
    And OpenSSL verifies the signature with the public key of "imp-ec"

  # ---------------------------------------------------------------- OAEP

  Scenario: OAEP encrypt and decrypt (default SHA-1)
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "crypt"
    When I encrypt "secret" with "crypt" using CKM_RSA_PKCS_OAEP
    And I decrypt the ciphertext with "crypt" using CKM_RSA_PKCS_OAEP
    Then the plaintext is "secret"

  Scenario: OAEP with escapes in the plaintext
    Given I am logged in as the user with PIN "1234"
    And an RSA-3072 key pair labelled "crypt2"
    When I encrypt "line1\nline2\tend" with "crypt2" using CKM_RSA_PKCS_OAEP
    And I decrypt the ciphertext with "crypt2" using CKM_RSA_PKCS_OAEP
    Then the plaintext is "line1\nline2\tend"

  # ---------------------------------------------------------------- digests and random

  Scenario: Digests of "abc" against the FIPS 180 vectors
    When I digest "abc" using CKM_SHA_1
    Then the digest is "A9993E36 4706816A BA3E2571 7850C26C 9CD0D89D"
    When I digest "abc" using CKM_SHA224
    Then the digest is "23097D22 3405D822 8642A477 BDA255B3 2AADBCE4 BDA0B3F7 E36C9DA7"
    When I digest "abc" using CKM_SHA256
    Then the digest is "BA7816BF 8F01CFEA 414140DE 5DAE2223 B00361A3 96177A9C B410FF61 F20015AD"
    When I digest "abc" using CKM_SHA384
    Then the digest is "CB00753F45A35E8BB5A03D699AC65007272C32AB0EDED1631A8B605A43FF5BED8086072BA1E7CC2358BAECA134C825A7"
    When I digest "abc" using CKM_SHA512
    Then the digest is "DD:AF:35:A1:93:61:7A:BA:CC:41:73:49:AE:20:41:31:12:E6:FA:4E:89:A9:7E:A2:0A:9E:EE:E6:4B:55:D3:9A:21:92:99:2A:27:4F:C1:A8:36:BA:3C:23:A3:FE:EB:BD:45:4D:44:23:64:3C:E8:0E:2A:9A:C9:4F:A5:4C:A4:9F"

  Scenario: Digests of the empty string and of escaped text
    When I digest "" using CKM_SHA256
    Then the digest is "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
    When I digest "Hello World!\n" using CKM_SHA256
    Then the digest is "03ba204e50d126e4674c005e04d82e84c21366780af1f43bd54a37816b6ab340"
    When I digest "line1\tline2\n" using CKM_SHA_1
    Then the digest is "350340C392BC9F82654532490AB590D9494543A2"

  Scenario: Random bytes
    When I generate 32 random bytes
    Then I get 32 bytes
    When I generate 1 random bytes
    Then I get 1 bytes
    When I generate 256 random bytes
    Then I get 256 bytes

  # ---------------------------------------------------------------- objects and attributes

  Scenario: Attributes of an RSA pair
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "attrs"
    Then the token has an object labelled "attrs"
    And the attribute CKA_LABEL of "attrs" is "attrs"
    And the attribute CKA_MODULUS_BITS of "attrs" is "2048"
    And the attribute CKA_PUBLIC_EXPONENT of "attrs" is "01 00 01"
    And the attribute CKA_SIGN of "attrs" is "true"
    And the attribute CKA_VERIFY of "attrs" is "true"
    And the attribute CKA_TOKEN of "attrs" is "false"
    And the attribute CKA_KEY_TYPE of "attrs" is "0"

  Scenario: Setting CKA_ID and CKA_LABEL
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "signer"
    When I set the attribute CKA_ID of "signer" to "01:02:A0"
    Then the attribute CKA_ID of "signer" is "01 02 A0"
    When I set the attribute CKA_LABEL of "signer" to "renamed"
    Then the token has an object labelled "renamed"
    And the attribute CKA_LABEL of "renamed" is "renamed"
    And the attribute CKA_ID of "renamed" is "0102A0"
    When I sign "Hello World!\n" with "renamed" using CKM_SHA256_RSA_PKCS
    Then the signature verifies with "renamed" using CKM_SHA256_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "renamed"

  Scenario: Session objects do not outlive their scenario
    Given I am logged in as the user with PIN "1234"
    # "signer" was an RSA-2048 pair in earlier scenarios; as a session object it is gone
    Given an EC-P256 key pair labelled "signer"
    Then the attribute CKA_KEY_TYPE of "signer" is "3"
    When I sign the SHA-256 digest of "Hello World!\n" with "signer" using CKM_ECDSA
    Then the signature verifies with "signer" using CKM_ECDSA

  Scenario: A key pair named twice is created once
    Given I am logged in as the user with PIN "1234"
    And an EC-P256 key pair labelled "once"
    When I set the attribute CKA_ID of "once" to "C0FFEE"
    Given an EC-P256 key pair labelled "once"
    Then the attribute CKA_ID of "once" is "C0 FF EE"

  # ---------------------------------------------------------------- mechanisms

  Scenario: Mechanisms SoftHSM offers
    Then the mechanism CKM_ECDSA is supported
    And the mechanism CKM_RSA_PKCS is supported
    And the mechanism CKM_RSA_PKCS_OAEP is supported
    And the mechanism CKM_SHA256_RSA_PKCS is supported
    And the mechanism CKM_SHA384_RSA_PKCS_PSS is supported
    And the mechanism CKM_SHA_1 is supported
    And the mechanism CKM_SHA512 is supported
    And the mechanism CKM_RSA_PKCS_KEY_PAIR_GEN is supported
    And the mechanism CKM_EC_KEY_PAIR_GEN is supported

  # ---------------------------------------------------------------- more

  @token-objects
  Scenario: With @token-objects the generated keys are token objects (part 1)
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "persistent"
    Then the attribute CKA_TOKEN of "persistent" is "true"

  @token-objects
  Scenario: With @token-objects the generated keys are token objects (part 2: found or made, and used)
    Given I am logged in as the user with PIN "1234"
    And an RSA-2048 key pair labelled "persistent"
    When I sign "Hello World!\n" with "persistent" using CKM_SHA256_RSA_PKCS
    Then OpenSSL verifies the signature with the public key of "persistent"

  Scenario: A key with the label but another type or size is an error
    Given I am logged in as the user with PIN "1234"
    And an EC-P256 key pair labelled "typed"
    And an RSA-2048 key pair labelled "typed"
    Then it fails with CARDSPEC_KEY_MISMATCH
    Given an EC-P384 key pair labelled "typed"
    Then it fails with CARDSPEC_KEY_MISMATCH

  Scenario: OpenSSL signs with an imported EC-P384 key, the token verifies with CKM_ECDSA
    Given I am logged in as the user with PIN "1234"
    And an EC-P384 key pair generated by OpenSSL and imported as "imp384"
    When OpenSSL signs "Hello World!\n" with the private key of "imp384" using SHA-384
    Then OpenSSL verifies the signature with the public key of "imp384"
    And the signature verifies with "imp384" using CKM_ECDSA
    When I flip a bit in the signature
    Then the signature does not verify with "imp384" using CKM_ECDSA

  Scenario: Ed25519 over hex data
    Given I am logged in as the user with PIN "1234"
    And an Ed25519 key pair labelled "ed-hex"
    When I sign the hex data "00 11 22" with "ed-hex" using CKM_EDDSA
    Then the signature verifies with "ed-hex" using CKM_EDDSA
    And OpenSSL verifies the signature with the public key of "ed-hex"

  Scenario: Variables in PKCS#11 text: environment values and card data
    Given a card is inserted
    When I digest "${env:TOKEN_PIN}" using CKM_SHA256
    Then the digest is "03AC674216F3E15C761EE1A5E255F067953623C8B388B4459E13F978D7C846F4"
    When I digest "${ascii:abc}" using CKM_SHA256
    Then the digest is "86900F25BD2EE285BC6C22800CFB8F2C3411E45C9F53B3BA5A8017AF9D6B6B05"
    Given I am logged in as the user with PIN "${env:TOKEN_PIN}"
    And an RSA-2048 key pair labelled "from-card"
    When I send the APDU "00 B0 81 00 05"
    And I save the response data as "hello"
    And I sign the hex data "${hello}" with "from-card" using CKM_RSA_PKCS
    Then the signature verifies with "from-card" using CKM_RSA_PKCS
    And OpenSSL verifies the signature with the public key of "from-card"
