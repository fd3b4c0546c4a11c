/** The entry of the simulator target's card thread (card-host.ts): the project's virtual cards. */
import { serveCards } from './card-host-serve.js';

serveCards();
