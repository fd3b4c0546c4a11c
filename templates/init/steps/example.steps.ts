// Steps of our own. Import Given/When/Then from 'cardspec' (not from @cucumber/cucumber):
// they then register with the cucumber that runs cardspec's built-in steps.
import { Then, When, swHex, type CardspecWorld } from 'cardspec';

// this.send() goes the way of "When I send the APDU": ${...} forms expanded (values from
// ${env:...} kept secret in every report), the hardware PIN guard, the APDU trace,
// automatic GET RESPONSE. A reader or card error is kept for "Then it fails with CODE":
// send() then answers undefined.
When('I read the file {string}', async function (this: CardspecWorld, fid: string) {
  const selected = await this.send(`00 A4 00 0C 02 ${fid}`);
  if (!selected) return;
  if (selected.sw !== 0x9000) throw new Error(`SELECT of EF ${fid} answered ${swHex(selected.sw)}`);
  await this.send('00 B0 00 00 00');
});

Then('the serial number is {string}', function (this: CardspecWorld, expected: string) {
  const serial = this.requireResponse().data.toString('latin1');
  // this.text() expands ${...} forms and \n, like the built-in steps' text parameters.
  if (serial !== this.text(expected)) throw new Error(`the serial number is "${serial}", expected "${this.text(expected)}"`);
});
