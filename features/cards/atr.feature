Feature: The answer to reset
  The ATR tells which protocols a card speaks and carries its historical bytes.

  Scenario: The demo card speaks T=1 and says CARDSPEC
    Given a card is inserted
    Then the ATR is "3B 88 01 43 41 52 44 53 50 45 43 98"
    And the ATR matches "3B XX 01 *"
    And the ATR offers protocol "T=1"
    And the historical bytes are "43 41 52 44 53 50 45 43"

  Scenario: The T=0 card has no TD1, so it offers T=0
    Given the card "iso7816-t0" is inserted
    Then the ATR is "3B:08:43:41:52:44:53:50:45:43"
    And the ATR offers protocol "T=0"
    And the historical bytes are "${ascii:CARDSPEC}"
