Feature: Our card
  cardspec's demo card, with a step of our own (steps/example.steps.ts) and a command of
  our own (card/my-card.ts, named by profiles/my-card.yaml). Run: npx cardspec run

  Scenario: The card greets
    Given a card is inserted
    When I read the file "0001"
    Then the status word is "9000"
    And the response data is the text "Hello World!\n"

  Scenario: Our own command answers the serial number
    Given the card "my-card" is inserted
    When I send the APDU "80 CA 00 00 00"
    Then the status word is "9000"
    And the serial number is "CARDSPEC-0001"
    When I send the APDU "80 CA 01 00 00"
    Then the status word is "6A86"
