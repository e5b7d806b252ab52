/**
 * How an answer gives away how the API is built: stack traces, server file paths, SQL, framework names,
 * connection strings, and headers naming the software. Shared by the fixed check
 * secure-no-internals-in-errors and by exploration, so that both judge an error body the same way.
 */

/**
 * What an error must not reveal: each pattern is a sign of one kind of internal detail. Every body a supplier
 * sends is searched with them, so none may backtrack without bound: a run of path or name characters is only
 * tried from its start (a lookbehind), or a repeat is capped, or stops where the next try would start (a
 * .NET frame's parameters at the next `at `, a SELECT's columns at the next SELECT, a connection string's
 * value at the next key). Unbounded, `[\w/.-]+\.rb:` took 4 s over 40 KB of letters and would take hours
 * over a megabyte, a hostile supplier's way to stall a run.
 */
export const LEAKS: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'a stack trace', pattern: /\bat [\w$.<>[\] ]{1,200} \([^()\s]+:\d+:\d+\)/ },
  { kind: 'a stack trace', pattern: /\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)/ },
  { kind: 'a stack trace', pattern: /Traceback \(most recent call last\)|File "[^"]+", line \d+/ },
  { kind: 'a stack trace', pattern: /Stack trace:|#\d+ [\w\\/.-]+\.php\(\d+\)/ },
  { kind: 'a stack trace', pattern: /\bat [\w.`<>]+\((?:(?!\bat )[^)])*\) in \S+:line \d+/ },
  { kind: 'a stack trace', pattern: /(?<![\w/.-])[\w/.-]+\.rb:\d+:in [`']|goroutine \d+ \[running\]/ },
  {
    kind: 'a server file path',
    pattern:
      /(?<![\w.@-])(?:\/[\w.@-]+)+\.(?:js|mjs|cjs|ts|py|rb|php|java|cs|go|scala|kt)\b|node_modules|node:internal/,
  },
  { kind: 'a server file path', pattern: /\b[A-Za-z]:\\{1,2}(?:[\w .-]+\\{1,2})+/ },
  {
    kind: 'SQL or a database error',
    pattern:
      /SQLSTATE|syntax error at or near|error in your SQL syntax|\bORA-\d{5}\b|relation "[^"]+" does not exist|SQLITE_ERROR|Unclosed quotation mark|\b(?:Sequelize\w*|QueryFailed|SqlException|PrismaClient\w*|PG::\w+)Error\b|SqlException/,
  },
  {
    kind: 'SQL or a database error',
    pattern: /\bSELECT (?:(?!\bSELECT )[\w*,. "])+ FROM \w+|\bINSERT INTO \w+|\bUPDATE \w+ SET /,
  },
  {
    kind: 'a framework name',
    pattern:
      /\b(?:Express|Django|Laravel|Symfony|Hibernate|Rails|Sinatra|Flask|Werkzeug|FastAPI|Starlette|ASP\.NET|Kestrel|Tomcat|Jetty|Struts|CodeIgniter|Sequelize|TypeORM|ActiveRecord|Whoops|Gunicorn|Uvicorn|WebLogic|JBoss|WildFly|NestJS)\b|\bexpress\/lib\b|org\.springframework|java\.lang\.\w+Exception|System\.\w+Exception/,
  },
  {
    kind: 'a connection string',
    pattern:
      /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver):\/\/\S+|\bjdbc:\w+:/i,
  },
  {
    kind: 'a connection string',
    pattern:
      /\b(?:Server|Data Source|Host)=(?:(?!\b(?:Server|Data Source|Host)=)[^;"])+;\s*(?:Database|Initial Catalog|User ID|Uid|Password)=/i,
  },
];

/** Headers that announce the software behind the API. */
export const REVEALING_HEADERS = ['x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version'];

export interface InternalsSeen {
  /** `a stack trace`, `a server file path`… */
  readonly kind: string;
  /** The text that gave it away, cut to 80 characters. */
  readonly excerpt: string;
}

/** Every kind of internal detail in a body's text, once per kind, with the first text that shows it. */
export function internalsIn(text: string): InternalsSeen[] {
  const seen = new Map<string, string>();
  for (const { kind, pattern } of LEAKS) {
    if (seen.has(kind)) continue;
    const found = pattern.exec(text);
    if (found) seen.set(kind, found[0].slice(0, 80));
  }
  return [...seen].map(([kind, excerpt]) => ({ kind, excerpt }));
}

/** The revealing headers an answer sends, with their values. */
export function revealingHeaders(
  header: (name: string) => string | undefined,
): { name: string; value: string }[] {
  return REVEALING_HEADERS.flatMap((name) => {
    const value = header(name);
    return value ? [{ name, value }] : [];
  });
}
