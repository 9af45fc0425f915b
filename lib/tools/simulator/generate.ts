import type { Action } from "./scenario";

/**
 * Synthetic scenarios in the course's format, so tests and benchmarks never depend on the sample
 * file. The same options always give the same actions (a seeded PRNG, no clock). The mix follows
 * the sample: about 44 % tweets, 38 % follows, 18 % unfollows (a quarter of them of someone not
 * followed), registrations spread over the first half, and every user registered before acting.
 * Every generated action succeeds against a correct server, which is what a 0-error replay needs.
 */
export interface GenerateOptions {
  actions: number;
  users: number;
  seed: number;
  /** Timestamp of the first action, ms since the epoch (default: the sample's first action). */
  startMs?: number;
  /** Mean delay between actions in ms (default 120 s, about the sample's). */
  meanDelayMs?: number;
}

/** sfc32: small, fast and good enough for picking words; returns floats in [0, 1). */
export function createRng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs still show the constant state; discard them.
  for (let i = 0; i < 15; i++) next();
  return next;
}

const split = (separator: string, list: string) => list.split(separator);
const FIRST_NAMES = split(
  " ",
  "Roger Geoffrey Wendell Nathan Quintin Mellie Malcolm Octavio Johnnie Jacqualine Luanna Shaunda Lowell Roderick Kym Sherril Blair Rhea Zoë Søren José Ægir Łukasz Chloé Björn Renée Dvořák Åsa Mikuláš Ólafur Ines Jürgen François Siân Niamh Hélène Ümit Żaneta",
);
const LAST_NAMES = split(
  "|",
  "Histand|Stieff|Ballan|Sirmon|Sitts|Yost|Janski|Wagganer|Calixto|Gilcoine|Muro|Loewe|Caneer|Tauscher|Yarnell|Tazewell|Reasoner|Pollan|Kierkegaard|Brontë|Müller|Ødegaard|Núñez|Côté|Øster|Świątek|D'Angelo|O'Brien|García Márquez|Van der Berg|Strauß|Håkansson",
);
const WORDS = split(
  " ",
  "the of and to a in that it was his he I with as for had you not be her on at by which have or from this him but all she they were my are me one their so an said them we who would been will no when there if more out up into moor Baskerville Holmes Watson hound Colonel King father’s night café naïve façade rôle fiancée déjà vu £5 Ørsted smörgåsbord",
);
const CLOSERS = [".", ".", ".", "?", "!", "…", "”", "’"];
const EMOJI = ["🎉", "🐶", "🚀", "❤️", "👍🏽", "🇩🇰", "🙂", "☕"];
const PASSWORD_CHARS =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
const MAIL_HOSTS = ["gmail.com", "hotmail.com", "dtu.dk", "itu.dk", "yahoo.com"];
const MAX_TWEET_LENGTH = 140;

export function* generateScenario(options: GenerateOptions): Generator<Action> {
  const { actions, users, seed } = options;
  if (!Number.isSafeInteger(actions) || actions < 0) throw new RangeError("actions must be >= 0");
  if (!Number.isSafeInteger(users) || users < 1) throw new RangeError("users must be >= 1");
  const rng = createRng(seed);
  const int = (n: number) => Math.floor(rng() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const meanDelay = options.meanDelayMs ?? 120_000;
  let timestamp = options.startMs ?? 1_582_246_860_738;

  const names = uniqueNames(users, rng);
  const registered: string[] = [];
  const follows = new Map<string, Set<string>>();

  const someoneElse = (username: string): string => {
    let other = pick(registered);
    while (other === username) other = pick(registered);
    return other;
  };

  const tweet = (): string => {
    let text = pick(["“", "", "", ""]);
    const words = 4 + int(18);
    for (let i = 0; i < words; i++) {
      let word = pick(WORDS);
      if (i === 0) word = word.charAt(0).toUpperCase() + word.slice(1);
      if (i > 0) text += rng() < 0.08 ? pick([", ", " — ", "; "]) : " ";
      text += word;
    }
    text += pick(CLOSERS);
    if (rng() < 0.15) text += " " + pick(EMOJI);
    // Truncate by code point so an emoji is never cut in half.
    return Array.from(text).slice(0, MAX_TWEET_LENGTH).join("");
  };

  for (let id = 0; id < actions; id++) {
    const delayMs = id === 0 ? 0 : Math.round(-Math.log(1 - rng()) * meanDelay);
    timestamp += delayMs;
    const base = { id, delayMs, timestampMs: timestamp };
    const unregistered = users - registered.length;
    // Front-loads registrations: twice the even rate, so the last ones land about halfway through.
    const registerChance = Math.min(1, (2 * unregistered) / (actions - id));
    if (unregistered > 0 && (registered.length < 2 || rng() < registerChance)) {
      const username = names[registered.length] as string;
      registered.push(username);
      follows.set(username, new Set());
      yield { ...base, command: "register", username, email: email(username, rng), password: password(rng) };
      continue;
    }
    const username = pick(registered);
    const followed = follows.get(username) as Set<string>;
    const roll = rng();
    if (roll < 0.44 || registered.length < 2) {
      yield { ...base, command: "tweet", username, content: tweet() };
    } else if (roll < 0.82 || followed.size === 0) {
      const target = someoneElse(username);
      followed.add(target);
      yield { ...base, command: "follow", username, target };
    } else if (rng() < 0.75) {
      const target = pick([...followed]);
      followed.delete(target);
      yield { ...base, command: "unfollow", username, target };
    } else {
      // The sample unfollows people it does not follow; the protocol answers 204 all the same.
      const target = someoneElse(username);
      followed.delete(target);
      yield { ...base, command: "unfollow", username, target };
    }
  }
}

function uniqueNames(count: number, rng: () => number): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  while (names.length < count) {
    const first = FIRST_NAMES[Math.floor(rng() * FIRST_NAMES.length)] as string;
    const last = LAST_NAMES[Math.floor(rng() * LAST_NAMES.length)] as string;
    let name = `${first} ${last}`;
    for (let n = 2; seen.has(name); n++) name = `${first} ${last} ${n}`;
    seen.add(name);
    names.push(name);
  }
  return names;
}

function email(username: string, rng: () => number): string {
  const separator = ["+", ".", "-"][Math.floor(rng() * 3)] as string;
  const local = username
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9 ]/g, "")
    .trim()
    .replace(/ +/g, separator);
  return `${local || "user"}@${MAIL_HOSTS[Math.floor(rng() * MAIL_HOSTS.length)]}`;
}

function password(rng: () => number): string {
  const length = 6 + Math.floor(rng() * 6);
  let out = "";
  for (let i = 0; i < length; i++) out += PASSWORD_CHARS[Math.floor(rng() * PASSWORD_CHARS.length)];
  return out;
}
