/** One CSV record with the line of the file it starts on (1 is the first line). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A record the reader could not split into fields; it is left out of `records`. */
export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

export interface CsvTable {
  readonly records: readonly CsvRecord[];
  readonly problems: readonly CsvProblem[];
}

/**
 * RFC 4180: fields separated by commas, records by CRLF (LF and a lone CR are taken too, since spreadsheets
 * write all three); a field in double quotes may hold commas, line breaks and doubled quotes. A quote inside
 * an unquoted field is kept as a character, as spreadsheets read it. A record whose quoting is broken is
 * reported with the line it starts on and skipped, and reading goes on with the next record, so that one bad
 * row never costs the rest of the file. Blank lines are not records.
 */
export function parseCsv(text: string): CsvTable {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;

  const atLineEnd = (at: number) => text[at] === '\n' || text[at] === '\r';
  /** Moves past one line break at `i` (CRLF counts once) and counts it. */
  const skipLineEnd = () => {
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else i += 1;
    line += 1;
  };

  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let broken: string | undefined;
    // One record: fields until an unquoted line break or the end of the text.
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const openedOn = line;
        i += 1;
        let closed = false;
        while (i < n) {
          const char = text[i] as string;
          if (char === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i += 1;
            closed = true;
            break;
          }
          if (char === '\r' || char === '\n') {
            // A line break inside quotes is part of the field, written as the file wrote it.
            if (char === '\r' && text[i + 1] === '\n') {
              field += '\r\n';
              i += 2;
            } else {
              field += char;
              i += 1;
            }
            line += 1;
            continue;
          }
          field += char;
          i += 1;
        }
        if (!closed) {
          broken ??= `the quoted field ${fields.length + 1} opened on line ${openedOn} is never closed`;
          fields.push(field);
          break;
        }
        if (i < n && text[i] !== ',' && !atLineEnd(i)) {
          broken ??= `field ${fields.length + 1} has text after its closing quote`;
          // Read on to the next comma or line break, so the following record starts where it should.
          while (i < n && text[i] !== ',' && !atLineEnd(i)) i += 1;
        }
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && !atLineEnd(i)) i += 1;
        field = text.slice(start, i);
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    if (i < n && atLineEnd(i)) skipLineEnd();
    if (broken !== undefined) {
      problems.push({ line: startLine, message: broken });
      continue;
    }
    if (fields.length === 1 && (fields[0] as string).trim() === '') continue;
    records.push({ line: startLine, fields });
  }
  return { records, problems };
}
