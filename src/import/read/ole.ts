/**
 * Just enough of the OLE compound file format (CFB, MS-CFB) to tell what an OLE file is: an
 * old Excel 97–2003 workbook, or an .xlsx workbook encrypted with a password (Excel and WPS
 * wrap those in a CFB container holding the streams `EncryptionInfo` and `EncryptedPackage`).
 */

/** The eight bytes every OLE compound file starts with. */
export const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const END_OF_CHAIN = 0xfffffffe;
const FREE = 0xffffffff;

/** Whether `buf` starts like an OLE compound file. */
export function isOle(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 8).equals(OLE_SIGNATURE);
}

/**
 * Names of the entries in the compound file's directory (storages and streams), read by
 * following the FAT from the header; bounded, so a damaged or hostile file cannot loop. Returns
 * an empty list when the directory cannot be read.
 */
export function oleEntryNames(buf: Buffer): string[] {
  if (!isOle(buf) || buf.length < 512) return [];
  const shift = buf.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return [];
  const size = 1 << shift;
  const sectorAt = (n: number) => (n + 1) * size;
  const sectorCount = Math.floor(buf.length / size);
  // Sectors holding the FAT: 109 listed in the header, the rest in the DIFAT chain.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = buf.readUInt32LE(0x4c + i * 4);
    if (s !== FREE && s !== END_OF_CHAIN) fatSectors.push(s);
  }
  let difat = buf.readUInt32LE(0x44);
  for (let guard = 0; difat !== END_OF_CHAIN && difat !== FREE && guard < sectorCount; guard++) {
    const at = sectorAt(difat);
    if (at + size > buf.length) break;
    for (let i = 0; i < size / 4 - 1; i++) {
      const s = buf.readUInt32LE(at + i * 4);
      if (s !== FREE && s !== END_OF_CHAIN) fatSectors.push(s);
    }
    difat = buf.readUInt32LE(at + size - 4);
  }
  const next = (sector: number): number => {
    const perSector = size / 4;
    const fat = fatSectors[Math.floor(sector / perSector)];
    if (fat === undefined || sectorAt(fat) + size > buf.length) return END_OF_CHAIN;
    return buf.readUInt32LE(sectorAt(fat) + (sector % perSector) * 4);
  };
  const names: string[] = [];
  let sector = buf.readUInt32LE(0x30);
  for (let guard = 0; sector !== END_OF_CHAIN && guard < sectorCount; guard++) {
    const at = sectorAt(sector);
    if (at + size > buf.length) break;
    for (let e = at; e < at + size; e += 128) {
      const nameBytes = buf.readUInt16LE(e + 0x40);
      const type = buf[e + 0x42];
      if (type === 0 || nameBytes < 2 || nameBytes > 64) continue;
      names.push(buf.toString('utf16le', e, e + nameBytes - 2));
    }
    sector = next(sector);
  }
  return names;
}

/** Whether an OLE file is a password-protected (encrypted) OOXML workbook. */
export function isEncryptedOoxml(buf: Buffer): boolean {
  const names = oleEntryNames(buf);
  if (names.length > 0) return names.includes('EncryptionInfo') && names.includes('EncryptedPackage');
  // Note: a directory we could not follow; the stream name in UTF-16 is still a strong sign.
  return buf.includes(Buffer.from('EncryptedPackage', 'utf16le'));
}
