/**
 * WWW-Authenticate as RFC 9110 §11.6.1 (was RFC 7235 §4.1) writes it:
 *
 *   WWW-Authenticate = #challenge
 *   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param       = token BWS "=" BWS ( token / quoted-string )
 *
 * One header may carry several challenges, and a camera may send several headers. Node joins
 * repeated headers with ", " in `res.headers` (only `headersDistinct` / `rawHeaders` keep them
 * apart), and commas also separate the parameters: only a parser that knows quoted strings
 * tells `Basic realm="a, b", Digest …` apart. The npm parsers we looked at (auth-header,
 * http-auth-utils, digest-header) read one challenge per string or split on every comma.
 */

/** One challenge: its scheme (lower-cased), its parameters (names lower-cased), or a token68. */
export interface AuthChallenge {
  scheme: string;
  params: ReadonlyMap<string, string>;
  token68?: string;
}

// tchar (RFC 9110 §5.6.2) and the token68 alphabet (§11.2).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;
const SPACES = /^[ \t]*/;

class Cursor {
  constructor(
    private readonly text: string,
    public at = 0,
  ) {}

  get done(): boolean {
    return this.at >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.at);
  }

  rest(): string {
    return this.text.slice(this.at);
  }

  match(re: RegExp): string {
    const m = re.exec(this.rest());
    const found = m?.[0] ?? '';
    this.at += found.length;
    return found;
  }

  spaces(): void {
    this.match(SPACES);
  }

  /** A quoted-string (cursor on its opening quote), unescaped; undefined when it never ends. */
  quoted(): string | undefined {
    let out = '';
    for (let i = this.at + 1; i < this.text.length; i++) {
      const c = this.text.charAt(i);
      if (c === '"') {
        this.at = i + 1;
        return out;
      }
      if (c === '\\') i++;
      out += this.text.charAt(i);
    }
    return undefined;
  }
}

/**
 * True when what follows may end a parameter or a scheme: OWS then "," or the end, or spaces
 * then another token (a missing comma, tolerated: the next round reads it as a parameter when
 * "=" follows, else as a new challenge).
 */
function atSeparator(cursor: Cursor): boolean {
  return /^(?:[ \t]*(?:,|$)|[ \t]+[!#$%&'*+\-.^_`|~0-9A-Za-z])/.test(cursor.rest());
}

/** True when the cursor is at the end of a list element (OWS then "," or the end). */
function atElementEnd(cursor: Cursor): boolean {
  return /^[ \t]*(?:,|$)/.test(cursor.rest());
}

/**
 * Parses every challenge of the given WWW-Authenticate values, in order. A value that breaks
 * the grammar ends there: the challenge being read is dropped (half a Digest challenge must not
 * be answered), the ones before it stay. A repeated parameter keeps its first value.
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of values) {
    const cursor = new Cursor(value);
    let current: { scheme: string; params: Map<string, string>; token68?: string } | undefined;
    const finish = (): void => {
      if (current) out.push(current);
      current = undefined;
    };
    let broken = false;
    while (!broken) {
      cursor.match(/^[ \t,]*/);
      if (cursor.done) break;
      const start = cursor.at;
      const name = cursor.match(TOKEN);
      if (!name) {
        broken = true;
        break;
      }
      cursor.spaces();
      if (cursor.peek() === '=' && current && current.token68 === undefined) {
        // An auth-param of the challenge being read.
        cursor.at++;
        cursor.spaces();
        let param: string | undefined;
        if (cursor.peek() === '"') param = cursor.quoted();
        // Cameras put '/', '=' and the like in unquoted nonces: read up to the next separator.
        else param = cursor.match(/^[^\s,"]+/) || undefined;
        if (param === undefined || !atSeparator(cursor)) {
          broken = true;
          break;
        }
        const key = name.toLowerCase();
        if (!current.params.has(key)) current.params.set(key, param);
        continue;
      }
      // A new challenge: the scheme, then maybe a token68 that fills the whole element.
      cursor.at = start + name.length;
      finish();
      current = { scheme: name.toLowerCase(), params: new Map() };
      const afterScheme = cursor.at;
      if (cursor.match(/^ +/)) {
        const token68 = cursor.match(TOKEN68);
        if (token68 && atElementEnd(cursor)) current.token68 = token68;
        else cursor.at = afterScheme;
      }
      if (!atSeparator(cursor)) broken = true;
    }
    if (broken) current = undefined;
    finish();
  }
  return out;
}
