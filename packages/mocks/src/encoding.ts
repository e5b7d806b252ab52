// The Windows-1252 bytes of the punctuation UK systems most often mis-encode; other characters map by Latin-1
// where they can and to "?" where they cannot, as a legacy exporter does.
const CP1252: Record<string, number> = {
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '–': 0x96,
  '—': 0x97,
  '€': 0x80,
};

export function windows1252(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes.push(code < 0x80 ? code : (CP1252[char] ?? (code <= 0xff ? code : 0x3f)));
  }
  return Buffer.from(bytes);
}
