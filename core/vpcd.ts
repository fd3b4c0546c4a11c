/** Where vpcd's readers are: the ports the virtual cards connect to and the names pcscd gives the readers. */

/** vpcd's first port (Debian's reader.conf: slot 0); slot N listens on this + N. */
export const VPCD_BASE_PORT = 35963;
export const VPCD_DEFAULT_HOST = '127.0.0.1';

export function vpcdPort(slot: number): number {
  return VPCD_BASE_PORT + slot;
}

/** The PC/SC reader name pcscd gives vpcd's slot N: "Virtual PCD 00 00", "Virtual PCD 00 01". */
export function vpcdReaderName(slot: number): string {
  return `Virtual PCD 00 ${String(slot).padStart(2, '0')}`;
}
