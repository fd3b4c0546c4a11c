/** `applets: [{ type: piv, ... }]`: the PIV card application (docs/piv.md). */
import type { AppletType } from '../../applet.js';
import { PivApplet } from './applet.js';
import { pivConfig } from './config.js';

export const PIV_APPLET: AppletType = {
  type: 'piv',
  prepare(entry) {
    const config = pivConfig(entry);
    return () => new PivApplet(config);
  },
};

export { PivApplet };
