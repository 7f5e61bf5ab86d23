/**
 * Names and labels in the Prometheus text exposition format (version
 * 0.0.4). Label values are escaped once, when a series is created, into the
 * text that goes between the braces, so a scrape only joins strings.
 *
 *     metric_name = [a-zA-Z_:][a-zA-Z0-9_:]*
 *     label_name  = [a-zA-Z_][a-zA-Z0-9_]*   (names starting "__" are reserved)
 *     label_value: any UTF-8; `\` → `\\`, `"` → `\"`, line feed → `\n`
 *     HELP text:   any UTF-8; `\` → `\\`, line feed → `\n`
 *
 * @example
 * formatLabels(['method', 'route'], ['GET', '/users/:id']); // 'method="GET",route="/users/:id"'
 */
import { SignwireError } from '../../errors.ts';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Escapes a label value: backslash, double quote and line feed.
 *
 * @example
 * escapeLabelValue('a"b'); // 'a\\"b'
 */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/[\\"\n]/g, escapeChar) : value;
}

/**
 * Escapes HELP text: backslash and line feed.
 *
 * @example
 * escapeHelp('line one\nline two'); // 'line one\\nline two'
 */
export function escapeHelp(help: string): string {
  return /[\\\n]/.test(help) ? help.replace(/[\\\n]/g, escapeChar) : help;
}

function escapeChar(char: string): string {
  return char === '\n' ? '\\n' : `\\${char}`;
}

/**
 * The text between a sample's braces, from label names and their values
 * ("" when there are no labels).
 *
 * @example
 * formatLabels(['code'], ['ERR_SIG_MISSING']); // 'code="ERR_SIG_MISSING"'
 */
export function formatLabels(names: readonly string[], values: readonly string[]): string {
  let text = '';
  for (let i = 0; i < names.length; i++) text += `${i === 0 ? '' : ','}${names[i]}="${escapeLabelValue(values[i] ?? '')}"`;
  return text;
}

/**
 * Checks a metric name against the exposition grammar.
 *
 * @example
 * checkMetricName('http_requests_total'); // ok; 'http-requests' throws ERR_INVALID_OPTION
 */
export function checkMetricName(name: string): string {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) throw invalid(`metric name ${JSON.stringify(name)} is not [a-zA-Z_:][a-zA-Z0-9_:]*`);
  return name;
}

/**
 * Checks label names: the grammar, no reserved `__` prefix, no duplicates,
 * and none of `reserved` (a histogram reserves `le`).
 *
 * @example
 * checkLabelNames(['method', 'route'], ['le']);
 */
export function checkLabelNames(names: readonly string[], reserved: readonly string[] = []): readonly string[] {
  if (!Array.isArray(names)) throw invalid('labelNames must be an array of strings');
  for (const name of names) {
    if (typeof name !== 'string' || !LABEL_NAME.test(name) || name.startsWith('__')) throw invalid(`label name ${JSON.stringify(name)} is not allowed`);
    if (reserved.includes(name)) throw invalid(`label name "${name}" is reserved here`);
  }
  if (new Set(names).size !== names.length) throw invalid(`label names repeat: ${names.join(', ')}`);
  return Object.freeze([...names]);
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', message);
}
