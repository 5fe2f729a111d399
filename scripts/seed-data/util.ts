/**
 * Small deterministic helpers for the seed generator: a seeded PRNG, exact BigInt allocation,
 * ISO-date arithmetic in UTC and normalisation of zip timestamps.
 */

/** 32-bit FNV-1a hash of a string (UTF-16 code units), used to seed per-group generators. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A seeded generator (mulberry32); same seed → same sequence on every platform. */
export class Rng {
  private state: number;
  constructor(seed: string | number) {
    this.state = (typeof seed === 'string' ? hash32(seed) : seed) >>> 0;
  }
  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Integer in [min, max] (inclusive), without floating point. */
  int(min: number, max: number): number {
    if (max < min) throw new Error(`Rng.int: empty range ${min}..${max}`);
    return min + (this.nextU32() % (max - min + 1));
  }
}

/**
 * Splits `total` into `weights.length` positive shares proportional to the weights, in whole
 * multiples of `unit`; the remainder units go one each to the first shares. Exact (BigInt).
 */
export function allocate(total: bigint, weights: readonly number[], unit = 1n): bigint[] {
  if (total % unit !== 0n) throw new Error(`allocate: ${total} is not a multiple of ${unit}`);
  const units = total / unit;
  const w = weights.map((x) => BigInt(x));
  const sumW = w.reduce((a, b) => a + b, 0n);
  if (sumW <= 0n) throw new Error('allocate: weights must be positive');
  const shares = w.map((x) => (units * x) / sumW);
  let rest = units - shares.reduce((a, b) => a + b, 0n);
  for (let i = 0; rest > 0n; i = (i + 1) % shares.length, rest--) shares[i] += 1n;
  const out = shares.map((s) => s * unit);
  if (out.some((s) => s <= 0n)) throw new Error('allocate: a share came out non-positive; use larger weights or a smaller unit');
  return out;
}

/** Sum of BigInts. */
export const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

/** Rounds `n / d` (both ≥ 0) half up to an integer. */
export function divRound(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

/** `value · num / den`, rounded up to a multiple of `unit` (for amounts in whole 万). */
export function scaleUp(value: bigint, num: bigint, den: bigint, unit: bigint): bigint {
  const scaled = (value * num + den - 1n) / den;
  return ((scaled + unit - 1n) / unit) * unit;
}

const DAY_MS = 86_400_000;

/** Checks and parses an ISO date `YYYY-MM-DD` to days since the epoch (UTC). */
function toDays(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`not an ISO date: ${iso}`);
  const t = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
  const back = new Date(t).toISOString().slice(0, 10);
  if (back !== iso) throw new Error(`not a calendar date: ${iso}`);
  return t / DAY_MS;
}

/** `iso` plus `n` days (n may be negative). */
export function addDays(iso: string, n: number): string {
  return new Date((toDays(iso) + n) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Sets every entry's DOS modification time and date in a zip archive (local headers and central
 * directory) to `date`, so that two builds of the same content are byte-identical. JSZip (used by
 * exceljs) stamps each entry with the wall-clock time it was added. Works in place.
 */
export function fixZipTimestamps(zip: Buffer, date: Date): Buffer {
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  // End of central directory record: no archive comment is written, so it is the last 22 bytes;
  // search backwards anyway in case a comment is present.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('fixZipTimestamps: end of central directory not found');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`fixZipTimestamps: bad central directory header at ${p}`);
    zip.writeUInt16LE(dosTime, p + 12);
    zip.writeUInt16LE(dosDate, p + 14);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`fixZipTimestamps: bad local header at ${local}`);
    zip.writeUInt16LE(dosTime, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    // An extended-timestamp extra field (0x5455) would carry Unix times too; refuse rather than miss it.
    for (const [start, len] of [
      [p + 46 + nameLen, extraLen],
      [local + 30 + zip.readUInt16LE(local + 26), zip.readUInt16LE(local + 28)],
    ] as const) {
      for (let q = start; q + 4 <= start + len;) {
        const id = zip.readUInt16LE(q);
        if (id === 0x5455) throw new Error('fixZipTimestamps: extended timestamp field present');
        q += 4 + zip.readUInt16LE(q + 2);
      }
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return zip;
}
