// Access rules per input: allow or deny a peer by CIDR or by host-name glob, as Axigen listeners
// do. Among the enabled rules that match, the lowest priority number decides; on a tie deny wins;
// when nothing matches the default policy applies ("allow any", unless configured otherwise).
// `decide` runs per datagram, so decisions are cached per peer in a bounded Map.

import type { AccessCheck } from '../component.js';
import { bool, int, list, oneOf } from '../config/schema.js';
import { cidrContains, parseCidr, parseIp, type Cidr } from './cidr.js';
import { anyGlobMatches, checkGlob, compileGlob, type Glob } from './glob.js';
import { nonEmpty } from './fields.js';

export type AccessAction = 'allow' | 'deny';

/** Keys of an `[access.NAME]` section. */
export const accessSpec = {
  inputs: list(['*'], 'Inputs this rule applies to, by section name; * = every input.'),
  action: oneOf(['allow', 'deny'] as const, undefined, 'What a matching peer gets: allow or deny.'),
  sources: nonEmpty(list(undefined,
    'Peers the rule matches: CIDRs (192.0.2.0/24, 2001:db8::/32), single addresses, host-name globs ' +
    '(*.example.com, matched against the peer\'s resolved name when the input resolves one), or * for any peer.',
    checkSource)),
  priority: int(100, 'Lower numbers take precedence; on a tie between allow and deny, deny wins.', { min: 0 }),
  enabled: bool(true, 'A disabled rule is kept in the file but ignored.'),
} as const;

/** For an input's spec: what happens to a peer that no access rule matches. */
export const accessDefaultField = oneOf(['allow', 'deny'] as const, 'allow',
  'Policy for peers no [access.*] rule matches: allow (Axigen\'s "allow any") or deny.');

export interface AccessRuleConfig {
  readonly action: AccessAction;
  readonly sources: readonly string[];
  readonly priority: number;
  readonly enabled: boolean;
}

interface CompiledAccessRule {
  readonly allow: boolean;
  readonly any: boolean;
  readonly cidrs: readonly Cidr[];
  readonly hosts: readonly Glob[];
}

export interface AccessOptions {
  readonly defaultPolicy?: AccessAction;
  /** Peers remembered before the cache is cleared. */
  readonly cacheEntries?: number;
}

export class AccessList implements AccessCheck {
  readonly usesHostnames: boolean;
  private readonly defaultAllow: boolean;
  private readonly cache = new Map<string, boolean>();
  private readonly cacheEntries: number;

  constructor(private readonly rules: readonly CompiledAccessRule[], options: AccessOptions) {
    this.defaultAllow = (options.defaultPolicy ?? 'allow') === 'allow';
    this.cacheEntries = options.cacheEntries ?? 10_000;
    this.usesHostnames = rules.some((r) => r.hosts.length > 0);
  }

  /** Allow (true) or deny (false) a peer; `hostname` is null when not known. */
  decide(ip: string, hostname: string | null): boolean {
    if (this.rules.length === 0) return this.defaultAllow;
    // Without host rules the name cannot change the answer, so the address alone is the key.
    const key = this.usesHostnames && hostname ? `${ip}\n${hostname}` : ip;
    let allowed = this.cache.get(key);
    if (allowed === undefined) {
      allowed = this.evaluate(ip, hostname);
      if (this.cache.size >= this.cacheEntries) this.cache.clear();
      this.cache.set(key, allowed);
    }
    return allowed;
  }

  /** The decision without the cache. Rules are sorted, so the first match decides. */
  evaluate(ip: string, hostname: string | null): boolean {
    const addr = parseIp(ip);
    const host = hostname ? hostname.toLowerCase() : null;
    for (const r of this.rules) {
      if (r.any || (addr !== null && r.cidrs.some((c) => cidrContains(c, addr))) ||
        (host !== null && anyGlobMatches(r.hosts, host))) return r.allow;
    }
    return this.defaultAllow;
  }
}

/** Compiles validated rules; disabled ones are dropped. Sources must have passed `checkSource`. */
export function compileAccess(rules: readonly AccessRuleConfig[], options: AccessOptions = {}): AccessList {
  const compiled = rules
    .map((r, order) => ({ r, order }))
    .filter(({ r }) => r.enabled)
    .sort((a, b) => a.r.priority - b.r.priority || deny(b.r) - deny(a.r) || a.order - b.order)
    .map(({ r }) => compileRule(r));
  return new AccessList(compiled, options);
}

const deny = (r: AccessRuleConfig): number => (r.action === 'deny' ? 1 : 0);

function compileRule(r: AccessRuleConfig): CompiledAccessRule {
  const cidrs: Cidr[] = [];
  const hosts: Glob[] = [];
  let any = false;
  for (const s of r.sources) {
    const kind = classifySource(s);
    if (kind === 'any') any = true;
    else if (kind === 'address') {
      const c = parseCidr(s);
      if (typeof c === 'string') throw new Error(`access source ${JSON.stringify(s)}: ${c}`);
      cidrs.push(c);
    } else hosts.push(compileGlob(s));
  }
  return { allow: r.action === 'allow', any, cidrs, hosts };
}

function classifySource(s: string): 'any' | 'address' | 'host' {
  if (s === '*') return 'any';
  return s.includes(':') || s.includes('/') || /^[\d.]+$/.test(s) ? 'address' : 'host';
}

/** null when `s` is a usable source; otherwise why not. */
export function checkSource(s: string): string | null {
  const kind = classifySource(s);
  if (kind === 'address') {
    const c = parseCidr(s);
    return typeof c === 'string' ? c : null;
  }
  if (kind === 'host' && !/^[a-z0-9*?._-]+$/i.test(s)) {
    return 'not a CIDR, an IP address or a host-name pattern (letters, digits, . - _ * ?)';
  }
  return kind === 'host' ? checkGlob(s) : null;
}
