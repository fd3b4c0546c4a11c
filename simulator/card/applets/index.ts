/** The applet and extension types the project ships, registered for profiles to name. */
import { registerAppletType } from '../applet.js';
import { PIV_APPLET } from './piv/index.js';

registerAppletType(PIV_APPLET);
