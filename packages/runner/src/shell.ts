/** A piece of a shell word: text as it is, or an environment variable the shell expands. */
export type ShellPart = string | { readonly variable: string };

// Characters a POSIX shell gives no meaning to in a bare word.
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;
// Inside double quotes these still mean something: $ ` \ " and, in an interactive bash, !.
const UNSAFE_IN_DOUBLE_QUOTES = /[$`\\"!]/;

/** Text as one shell word that the shell reads back as exactly that text. */
export function quoteShellText(text: string): string {
  if (BARE.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * One shell word from text and variables: `"Authorization: Bearer $CONFORM_TOKEN"`, so that a secret is
 * named and never written. Text that double quotes cannot carry safely is single-quoted around the variables.
 */
export function shellWord(parts: readonly ShellPart[] | string): string {
  const list = typeof parts === 'string' ? [parts] : parts;
  if (list.every((part) => typeof part === 'string')) return quoteShellText(list.join(''));
  for (const part of list)
    if (typeof part !== 'string' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(part.variable))
      throw new Error(`not an environment variable name: ${part.variable}`);
  const texts = list.filter((part): part is string => typeof part === 'string');
  // `$NAME` where the next character cannot continue the name, `${NAME}` where it could.
  const reference = (variable: string, at: number) => {
    const next = list[at + 1];
    return typeof next === 'string' && /^[A-Za-z0-9_]/.test(next) ? `\${${variable}}` : `$${variable}`;
  };
  if (texts.every((text) => !UNSAFE_IN_DOUBLE_QUOTES.test(text)))
    return `"${list.map((part, at) => (typeof part === 'string' ? part : reference(part.variable, at))).join('')}"`;
  return list
    .map((part) => {
      if (typeof part !== 'string') return `"$${part.variable}"`;
      return part === '' ? '' : quoteShellText(part);
    })
    .join('');
}

/** A command line of shell words. */
export function shellCommand(words: readonly (readonly ShellPart[] | string)[]): string {
  return words.map(shellWord).join(' ');
}
