/**
 * Component identifiers (RFC 9421 §2): a component name as an sf-string,
 * with parameters, e.g. `"@query-param";name="Pet"` or
 * `"signature";req;key="sig1"`.
 *
 *   component-identifier = component-name parameters
 *   component-name       = sf-string
 *
 * A field's name is its lowercase field name; a derived component's starts
 * with "@". The parameters are ordered as written: the order is part of the
 * signature base, so `params` keeps its keys in insertion order.
 */
import { detached } from '../../detached.ts';
import { SignatureError } from '../errors.ts';
import { isTchar } from '../structured-fields/chars.ts';
import { serializeItem, type Item } from '../structured-fields/index.ts';
import { DERIVED_COMPONENTS } from './derived-components.ts';

/** The parameters RFC 9421 defines for component identifiers (§2.1, §2.2.8, §2.4, §6.5). */
export interface ComponentParams {
  /** Strict Structured Field serialisation of the field (§2.1.1). */
  readonly sf?: true;
  /** One member of a Dictionary field (§2.1.2). */
  readonly key?: string;
  /** Each field line wrapped as a Byte Sequence (§2.1.3). */
  readonly bs?: true;
  /** Taken from the request of this response (§2.4). */
  readonly req?: true;
  /** Taken from the trailers (§2.1.4); not supported here: such a component cannot be resolved. */
  readonly tr?: true;
  /** The encoded name of a query parameter, for `@query-param` (§2.2.8). */
  readonly name?: string;
}

/** One covered component. */
export interface ComponentIdentifier {
  readonly name: string;
  readonly params?: ComponentParams;
}

/** A component as given by a caller: a bare name ("@method") or an identifier. */
export type ComponentInput = string | ComponentIdentifier;

const FLAG_PARAMS = new Set(['sf', 'bs', 'req', 'tr']);
const STRING_PARAMS = new Set(['key', 'name']);
const FIELD_PARAMS = new Set(['sf', 'key', 'bs', 'req', 'tr']);

/**
 * A checked component identifier, from a bare name or an identifier.
 * Throws `ERR_SIG_MALFORMED` for an unknown derived name, a field name
 * that is not lowercase, or parameters that do not apply.
 *
 * @example
 * toComponent('@method'); // { name: '@method', params: {} }, frozen
 */
export function toComponent(input: ComponentInput): ComponentIdentifier {
  if (typeof input === 'object' && CHECKED.has(input)) return input;
  if (typeof input === 'string') input = { name: input };
  const defined = Object.entries(input.params ?? {}).filter(([, value]) => value !== undefined);
  const params = Object.freeze(Object.fromEntries(defined) as ComponentParams);
  const component = Object.freeze({ name: input.name, params });
  checkComponent(component);
  CHECKED.add(component);
  return component;
}

/*
 * Checked identifiers are frozen and remembered, so an identifier checked
 * once (when Signature-Input is parsed) is not checked again when the
 * signature base is built, and its serialisation is computed once.
 */
const CHECKED = new WeakSet<ComponentIdentifier>();
const SERIALIZED = new WeakMap<ComponentIdentifier, string>();

/*
 * Identifiers without parameters, by name: most requests cover the same few
 * components, so parsing them yields the same checked objects. Bounded: when
 * full it is emptied, which costs only the checks it saved.
 */
const BARE = new Map<string, ComponentIdentifier>();
const MAX_BARE = 256;

/**
 * A component identifier from an item of a Signature-Input inner list.
 * Throws `ERR_SIG_MALFORMED` unless it is a String with known parameters.
 *
 * @example
 * componentFromItem({ value: '@query-param', params: new Map([['name', 'Pet']]) });
 */
export function componentFromItem(item: Item): ComponentIdentifier {
  if (typeof item.value !== 'string') throw malformed('a covered component must be a string');
  if (item.params.size === 0) return bareComponent(item.value);
  const params: Record<string, string | true> = {};
  for (const [key, value] of item.params) {
    if (value !== true && typeof value !== 'string') throw malformed(`parameter "${key}" of "${item.value}" has the wrong type`);
    params[key] = value;
  }
  return toComponent({ name: item.value, params });
}

function bareComponent(name: string): ComponentIdentifier {
  let component = BARE.get(name);
  if (component === undefined) {
    const kept = detached(name); // kept across requests: not a slice of this one's text
    component = toComponent(kept);
    if (BARE.size >= MAX_BARE) BARE.clear();
    BARE.set(kept, component);
  }
  return component;
}

/**
 * The identifier as a Structured Field Item: the name as a String, the parameters in order.
 *
 * @example
 * serializeItem(componentItem({ name: 'signature', params: { req: true, key: 'sig1' } })); // '"signature";req;key="sig1"'
 */
export function componentItem(component: ComponentIdentifier): Item {
  return { value: component.name, params: new Map(Object.entries(component.params ?? {})) };
}

/**
 * The identifier as it appears in the signature base and in Signature-Input.
 *
 * @example
 * serializeComponentIdentifier({ name: '@query-param', params: { name: 'Pet' } }); // '"@query-param";name="Pet"'
 */
export function serializeComponentIdentifier(component: ComponentIdentifier): string {
  let text = SERIALIZED.get(component);
  if (text === undefined) {
    text = serializeItem(componentItem(component));
    if (CHECKED.has(component)) SERIALIZED.set(component, text);
  }
  return text;
}

/**
 * Throws `ERR_SIG_MALFORMED` when two identifiers name the same component.
 * §2.5 step 2.1: "If the component identifier (including its parameters)
 * has already been added to the signature base, produce an error." The
 * same parameters in another order count as the same identifier.
 *
 * @example
 * checkCoveredComponents([toComponent('date'), toComponent('date')]); // throws
 */
export function checkCoveredComponents(components: readonly ComponentIdentifier[]): void {
  const seen = new Set<string>();
  for (const component of components) {
    const key = identityKey(component);
    if (seen.has(key)) throw malformed(`${serializeComponentIdentifier(component)} is covered twice`);
    seen.add(key);
  }
}

/** A key equal for the same identifier, whatever the order of its parameters. */
function identityKey(component: ComponentIdentifier): string {
  const params = component.params;
  if (params === undefined || !hasKeys(params)) return component.name; // most components: no array, no JSON
  const names = Object.keys(params);
  return JSON.stringify([component.name, names.sort().map((name) => [name, params[name as keyof ComponentParams]])]);
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

/* §2.3: "The component identifier MUST NOT be enumerated within the set of covered components" (for @signature-params) */
function checkComponent({ name, params }: { name: string; params: ComponentParams }): void {
  if (name === '@signature-params') throw malformed('"@signature-params" cannot be a covered component');
  const keys = Object.keys(params);
  for (const key of keys) checkParamType(name, key, params[key as keyof ComponentParams]);
  if (name.startsWith('@')) checkDerived(name, keys);
  else checkField(name, keys);
}

/* Flags (sf, bs, req, tr) are Boolean true; key and name are Strings. */
function checkParamType(name: string, key: string, value: unknown): void {
  if (!FLAG_PARAMS.has(key) && !STRING_PARAMS.has(key)) throw malformed(`unknown parameter "${key}" on "${name}"`);
  const ok = FLAG_PARAMS.has(key) ? value === true : typeof value === 'string' && /^[\x20-\x7e]*$/.test(value);
  if (!ok) throw malformed(`parameter "${key}" of "${name}" has the wrong type`);
}

function checkDerived(name: string, keys: readonly string[]): void {
  if (!Object.hasOwn(DERIVED_COMPONENTS, name)) throw malformed(`unknown derived component "${name}"`);
  const allowed = DERIVED_COMPONENTS[name]!.params;
  for (const key of keys) if (key !== 'req' && !allowed.includes(key)) throw malformed(`parameter "${key}" does not apply to "${name}"`);
  for (const key of allowed) if (!keys.includes(key)) throw malformed(`"${name}" needs the "${key}" parameter`);
}

function checkField(name: string, keys: readonly string[]): void {
  if (name.length === 0 || !isLowerToken(name)) {
    throw malformed(`${JSON.stringify(name)} is not a lowercase field name`);
  }
  for (const key of keys) if (!FIELD_PARAMS.has(key)) throw malformed(`parameter "${key}" does not apply to the field "${name}"`);
  if (keys.includes('bs') && (keys.includes('sf') || keys.includes('key'))) {
    throw malformed(`"${name}": "bs" cannot be combined with "sf" or "key"`);
  }
}

function isLowerToken(name: string): boolean {
  for (const char of name) if (!isTchar(char) || (char >= 'A' && char <= 'Z')) return false;
  return true;
}

function malformed(message: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message);
}
