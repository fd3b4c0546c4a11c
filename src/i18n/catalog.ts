import { ENGLISH_STATUS_WORDS, type StatusWordTexts } from '../../core/apdu/status.js';
import { en, type Messages } from './en.js';
import { fr } from './fr.js';
import { FRENCH_STATUS_WORDS } from './status-words.fr.js';

/**
 * The message catalogs of the interactive commands, chosen by the locale as POSIX says
 * for messages: LC_ALL, else LC_MESSAGES, else LANG (the first one set and not empty).
 * A locale whose language is French (fr, fr_FR.UTF-8, fr_CA...) gives French; any other
 * (C, POSIX, en_US.UTF-8, de_DE...) gives English.
 */
export type Language = 'en' | 'fr';

export interface Catalog {
  language: Language;
  messages: Messages;
  statusWords: StatusWordTexts;
}

export const CATALOGS: Readonly<Record<Language, Catalog>> = {
  en: { language: 'en', messages: en, statusWords: ENGLISH_STATUS_WORDS },
  fr: { language: 'fr', messages: fr, statusWords: FRENCH_STATUS_WORDS },
};

export function languageOf(env: Readonly<Record<string, string | undefined>>): Language {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '') ?? '';
  return /^fr([_.@-]|$)/i.test(locale) ? 'fr' : 'en';
}

export function catalogFor(env: Readonly<Record<string, string | undefined>> = process.env): Catalog {
  return CATALOGS[languageOf(env)];
}
