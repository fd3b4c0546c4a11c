import { describeSuite } from './suite-check.js';

describeSuite('trixie');
