// Commands of our own card for the simulator (profiles/my-card.yaml names this file).
// A handler gets the command (cla, ins, p1, p2, data, ne) and the card (files, PINs, the
// session: current DF, verified PINs) and returns { data, sw } with any status word, or
// throws one with fail(). Any other exception answers 6F00 and is printed with this
// file's name and line.
import { defineCardModule, fail, ok, SW } from 'cardspec/card';

const SERIAL_NUMBER = Buffer.from('CARDSPEC-0001', 'latin1');

export default defineCardModule({
  commands: [
    {
      ins: 0xca,
      name: 'GET SERIAL NUMBER',
      proprietaryClass: true,
      handler: (command) => {
        if (command.p1 !== 0x00 || command.p2 !== 0x00) fail(SW.WRONG_P1_P2, 'P1-P2 must be 00 00');
        return ok(SERIAL_NUMBER);
      },
    },
  ],
});
