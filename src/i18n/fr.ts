import type { Messages } from './en.js';

/** Les messages de `cardspec shell` et `cardspec import` en français. */
export const fr: Messages = {
  prompt: 'cardspec> ',
  promptRecording: 'cardspec (enregistrement)> ',
  help: `Une ligne en hexadécimal est envoyée comme APDU : « 00 A4 00 0C 02 3F 00 »,
« 00A4000C023F00 » ou « 00:A4:00:0C:02:3F:00 », avec \${env:NOM} et \${ascii:TEXTE} comme
dans les features. La réponse donne les données en hexadécimal et en ASCII, le mot d'état,
sa signification et la durée ; les échanges GET RESPONSE (61xx) et les renvois (6Cxx) faits
par cardspec sont listés au-dessus.

  atr              l'ATR de la carte, décodé
  reset            réinitialisation à chaud de la carte
  cold             mise hors tension puis sous tension (réinitialisation à froid)
  readers          liste des lecteurs (* marque celui utilisé)
  reader N         utiliser le lecteur N de cette liste
  select ID        SELECT par identifiant de fichier (2 octets, p. ex. 3F00) ou par
                   nom de DF (un AID)
  verify N [PIN]   VERIFY du code PIN de référence N (hexadécimal) avec PIN en texte,
                   ou \${env:NOM} ; sans PIN : nombre d'essais restants
  run FICHIER      exécuter un script scriptor (lignes hexadécimales, reset, # commentaires)
  record FICHIER   écrire chaque échange à partir de maintenant dans FICHIER, une feature
                   pour cardspec run (le PIN sous la forme \${env:CARD_PIN}) ; la carte est
                   d'abord réinitialisée
  stop             arrêter l'enregistrement et écrire la feature
  auto on|off      GET RESPONSE automatique sur 61xx et renvoi sur 6Cxx
  help             cette aide
  quit             quitter (aussi exit, Ctrl-D, ou Ctrl-C sur une ligne vide)

Une ligne qui commence par # est un commentaire ; pendant un enregistrement, elle va dans
la feature. Tab complète les commandes et les noms de fichiers ; l'historique ne garde
aucun PIN.`,
  usage: {
    atr: 'usage : atr',
    reset: 'usage : reset',
    cold: 'usage : cold',
    readers: 'usage : readers',
    reader: 'usage : reader N   (N dans la liste de « readers »)',
    select: 'usage : select ID   (un identifiant de fichier de 2 octets, p. ex. 3F00, ou un AID)',
    verify: 'usage : verify N [PIN]   (N : la référence du PIN en hexadécimal, p. ex. 1 ou 81)',
    run: 'usage : run FICHIER   (un script scriptor)',
    record: 'usage : record FICHIER   (la feature à écrire)',
    stop: 'usage : stop',
    auto: 'usage : auto on|off',
    help: 'usage : help',
    quit: 'usage : quit',
    exit: 'usage : exit',
  },
  connected: (target, reader, protocol) =>
    `cardspec shell sur la cible ${target} : lecteur « ${reader} », ${protocol}. Tapez help pour la liste des commandes.`,
  atrLine: (atr) => `ATR ${atr}`,
  resetDone: (atr) => `carte réinitialisée ; ATR ${atr}`,
  coldDone: (atr) => `carte mise hors tension puis sous tension ; ATR ${atr}`,
  noReaders: 'aucun lecteur',
  noCard: 'pas de carte',
  readerChosen: (reader) => `lecteur utilisé : « ${reader} »`,
  noSuchReader: (index, count) => `pas de lecteur ${index} : ${count} lecteur(s), numérotés à partir de 0 (voir readers)`,
  autoState: (on) => `GET RESPONSE automatique ${on ? 'activé' : 'désactivé'}`,
  badSelect: (id) => `« ${id} » n'est ni un identifiant de fichier (2 octets) ni un AID (1 à 16 octets)`,
  recordStarted: (file) =>
    `enregistrement dans ${file} ; la carte a été réinitialisée, comme au début d'une exécution (sur le simulateur : une carte neuve)`,
  recordWritten: (file, exchanges) => `${file} écrit : ${exchanges} échange(s)`,
  runItWith: (command) => `pour l'exécuter : ${command}`,
  alreadyRecording: (file) => `enregistrement déjà en cours dans ${file} : faites d'abord stop`,
  notRecording: 'aucun enregistrement en cours',
  fileExists: (file) => `${file} existe déjà : donnez un autre nom ou supprimez-le`,
  recordOtherReader: (reader) => `l'enregistrement se fait sur le lecteur propre à la cible, « ${reader} »`,
  unknownCommand: (word) => `commande inconnue « ${word} » : tapez help pour la liste des commandes`,
  error: (message) => `erreur : ${message}`,
  interrupted: 'interrompu',
  scriptStopped: (file, line) => `${file} arrêté à la ligne ${line}`,
  skeletonWritten: (file, exchanges) => `${file} écrit : ${exchanges} échange(s) ; écrivez les attentes à la place des lignes #`,
  milliseconds: (ms) => `${ms.toFixed(2).replace('.', ',')} ms`,
  readingStdin: 'lecture des commandes sur l\'entrée standard',
  ctrlCHint: '(Ctrl-C sur une ligne vide, Ctrl-D ou quit pour quitter)',
};
