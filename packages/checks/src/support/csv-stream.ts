/**
 * A streaming RFC 4180 reader that keeps only counts and the first problems: it never holds a file, so a
 * million-row export is judged in constant memory. Feed it decoded text in chunks, then call end().
 */
export interface CsvProblem {
  readonly record: number;
  readonly message: string;
}

export class CsvStreamChecker {
  private inQuotes = false;
  private quoteJustClosed = false;
  private fieldStarted = false;
  private fieldLength = 0;
  private fields = 0;
  private sawCr = false;
  private headerFields = -1;
  records = 0;
  readonly problems: CsvProblem[] = [];

  constructor(private readonly maxProblems = 10) {}

  private problem(message: string): void {
    if (this.problems.length < this.maxProblems) this.problems.push({ record: this.records + 1, message });
  }

  private endField(): void {
    this.fields += 1;
    this.fieldStarted = false;
    this.fieldLength = 0;
    this.quoteJustClosed = false;
  }

  private endRecord(): void {
    this.endField();
    if (this.headerFields === -1) this.headerFields = this.fields;
    else {
      this.records += 1;
      if (this.fields !== this.headerFields) {
        this.problem(
          `has ${this.fields} fields where the header has ${this.headerFields} (a comma or line break inside an unquoted cell?)`,
        );
      }
    }
    this.fields = 0;
  }

  write(text: string): void {
    for (const char of text) {
      if (this.inQuotes) {
        if (char === '"') {
          this.inQuotes = false;
          this.quoteJustClosed = true;
        }
        continue;
      }
      if (this.sawCr) {
        this.sawCr = false;
        if (char === '\n') continue;
      }
      if (char === '"') {
        if (this.quoteJustClosed) {
          // "" inside a quoted field: an escaped quote; the field goes on.
          this.inQuotes = true;
          this.quoteJustClosed = false;
        } else if (!this.fieldStarted) {
          this.inQuotes = true;
          this.fieldStarted = true;
        } else {
          this.problem('has a quote inside an unquoted cell');
        }
        continue;
      }
      if (char === ',') {
        this.endField();
        continue;
      }
      if (char === '\r' || char === '\n') {
        this.sawCr = char === '\r';
        this.endRecord();
        continue;
      }
      if (this.quoteJustClosed) this.problem('has text after a closing quote');
      this.fieldStarted = true;
      this.fieldLength += 1;
    }
  }

  end(): void {
    if (this.inQuotes) this.problem('ends inside a quoted cell (the file is cut short?)');
    if (this.fieldStarted || this.fields > 0) this.endRecord();
    if (this.headerFields === -1) this.problem('has no header row');
  }
}
