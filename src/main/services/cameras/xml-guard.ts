/**
 * Measures an XML answer's shape as it streams in, before any parser builds objects from
 * it. The onvif library parses every answer with xml2js: under our 2 MB cap, 270 000
 * nested elements cost 165 MB and a 1.5 s event-loop stall, 240 000 siblings 0.5 s
 * (measured with Node 22 on the 2-core test machine). Real ONVIF answers nest about a
 * dozen deep and hold a few thousand elements at most.
 */
export const MAX_XML_DEPTH = 64;
export const MAX_XML_ELEMENTS = 50_000;

type State = 'text' | 'open' | 'close' | 'comment' | 'cdata' | 'pi';

const TERMINATORS: Partial<Record<State, string>> = {
  comment: '-->',
  cdata: ']]>',
  pi: '?>',
};

/**
 * Counts element depth and number over text fed in pieces. Comments, CDATA, processing
 * instructions and quoted attribute values are skipped, so nothing in them counts as a tag.
 * A DTD (`<!DOCTYPE`, `<!ENTITY` …) is refused outright: SOAP forbids it.
 */
export class XmlShapeMeter {
  depth = 0;
  maxDepth = 0;
  elements = 0;
  /** Why the text was refused, once it was. */
  refused: string | null = null;
  private text = '';
  private pos = 0;
  private state: State = 'text';
  private quote: string | null = null;
  private slash = false;

  /** Feeds the next piece; returns false once the answer is refused (too deep, too many, a DTD). */
  feed(piece: string): boolean {
    if (this.refused) return false;
    this.text = this.text.slice(this.pos) + piece;
    this.pos = 0;
    this.scan();
    return this.refused === null;
  }

  private scan(): void {
    const { text } = this;
    while (this.pos < text.length && !this.refused) {
      if (this.state === 'text') {
        const lt = text.indexOf('<', this.pos);
        if (lt < 0 || lt + 1 >= text.length) {
          this.pos = lt < 0 ? text.length : lt;
          return;
        }
        const next = text.charAt(lt + 1);
        if (next === '/') {
          this.state = 'close';
          this.pos = lt + 2;
        } else if (next === '?') {
          this.state = 'pi';
          this.pos = lt + 2;
        } else if (next === '!') {
          if (text.startsWith('<!--', lt)) {
            this.state = 'comment';
            this.pos = lt + 4;
          } else if (text.startsWith('<![CDATA[', lt)) {
            this.state = 'cdata';
            this.pos = lt + 9;
          } else if (
            text.length - lt < 9 &&
            ('<![CDATA['.startsWith(text.slice(lt)) || '<!--'.startsWith(text.slice(lt)))
          ) {
            this.pos = lt; // wait for the rest of the marker
            return;
          } else {
            this.refused = 'a document type declaration';
          }
        } else {
          this.open();
          this.state = 'open';
          this.slash = false;
          this.pos = lt + 1;
        }
      } else if (this.state === 'open') {
        this.scanOpenTag();
      } else if (this.state === 'close') {
        const gt = text.indexOf('>', this.pos);
        if (gt < 0) {
          this.pos = text.length;
          return;
        }
        this.depth--;
        this.state = 'text';
        this.pos = gt + 1;
      } else {
        const end = TERMINATORS[this.state] ?? '>';
        const at = text.indexOf(end, this.pos);
        if (at < 0) {
          // Keep the last characters: the terminator may straddle two pieces.
          this.pos = Math.max(this.pos, text.length - (end.length - 1));
          return;
        }
        this.state = 'text';
        this.pos = at + end.length;
      }
    }
  }

  private scanOpenTag(): void {
    const { text } = this;
    while (this.pos < text.length) {
      const c = text.charAt(this.pos++);
      if (this.quote) {
        if (c === this.quote) this.quote = null;
      } else if (c === '"' || c === "'") {
        this.quote = c;
        this.slash = false;
      } else if (c === '>') {
        if (this.slash) this.depth--; // <empty/>
        this.state = 'text';
        return;
      } else if (!/\s/.test(c)) {
        this.slash = c === '/';
      }
    }
  }

  private open(): void {
    this.depth++;
    this.elements++;
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
    if (this.depth > MAX_XML_DEPTH)
      this.refused = `elements nested over ${String(MAX_XML_DEPTH)} deep`;
    else if (this.elements > MAX_XML_ELEMENTS) {
      this.refused = `over ${String(MAX_XML_ELEMENTS)} elements`;
    }
  }
}
