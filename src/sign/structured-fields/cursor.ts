/**
 * The parser's position in a field value: RFC 9651 §4.2 describes parsing
 * as consuming `input_string` from the front, and this is that string with
 * an index instead of copies. The parser reads character codes (`code()`)
 * and takes words out with one `slice` each, not character by character.
 */
import { StructuredFieldError } from './types.ts';

export class Cursor {
  /** The index of the next character; parsers that scan a word move it themselves. */
  pos = 0;

  constructor(readonly input: string) {}

  get done(): boolean {
    return this.pos >= this.input.length;
  }

  get offset(): number {
    return this.pos;
  }

  /** The next character's code, or NaN at the end (so every class test is false). */
  code(): number {
    return this.input.charCodeAt(this.pos);
  }

  /** The characters from `start` to the current position. */
  since(start: number): string {
    return this.input.slice(start, this.pos);
  }

  /** The next character, or "" at the end. */
  peek(): string {
    return this.input[this.pos] ?? '';
  }

  /** Consumes and returns the next character, or "" at the end. */
  next(): string {
    const char = this.input[this.pos] ?? '';
    if (this.pos < this.input.length) this.pos += 1;
    return char;
  }

  /** Consumes `char` when it is next; tells whether it was. */
  accept(char: string): boolean {
    if (this.input[this.pos] !== char) return false;
    this.pos += 1;
    return true;
  }

  /** Consumes `char`, or fails. */
  expect(char: string, what: string): void {
    if (!this.accept(char)) throw this.fail(`expected ${what}`);
  }

  /** Discards leading SP characters. */
  skipSP(): void {
    while (this.input[this.pos] === ' ') this.pos += 1;
  }

  /** Discards leading OWS (SP and HTAB). */
  skipOWS(): void {
    while (this.input[this.pos] === ' ' || this.input[this.pos] === '\t') this.pos += 1;
  }

  /** An error at the current position. */
  fail(message: string): StructuredFieldError {
    return new StructuredFieldError(message, this.pos);
  }
}
