// IPv4 and IPv6 addresses and CIDR blocks, parsed from text into 32-bit words. IPv4-mapped IPv6
// addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 peer) are treated
// as the IPv4 address, in peers and in CIDRs alike, so IPv4 rules match them. Families stay
// apart otherwise: `::/0` covers every IPv6 peer and no IPv4 one, `0.0.0.0/0` every IPv4 peer.

export interface IpAddress {
  readonly family: 4 | 6;
  /** One word for IPv4, four (most significant first) for IPv6. */
  readonly words: readonly number[];
}

export interface Cidr extends IpAddress {
  readonly prefix: number;
}

/** Parses a peer address; brackets and a zone (`%eth0`) are ignored. null if not an address. */
export function parseIp(text: string): IpAddress | null {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const zone = t.indexOf('%');
  if (zone >= 0 && t.includes(':')) t = t.slice(0, zone);
  if (!t.includes(':')) {
    const v4 = parseIpv4(t);
    return v4 === null ? null : { family: 4, words: [v4] };
  }
  const words = parseIpv6(t);
  if (words === null) return null;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return { family: 4, words: [words[3]!] };
  return { family: 6, words };
}

/** `192.0.2.0/24`, `2001:db8::/32`, or a single address. Returns the block or why it is invalid. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  if (addrText.includes('%')) return 'a zone (%) is not allowed in a rule';
  const addr = parseIp(addrText);
  if (addr === null) return `not an IPv4 or IPv6 address: ${JSON.stringify(addrText)}`;
  const written = addrText.includes(':') ? 128 : 32;
  let prefix = written;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > written) return `prefix length must be 0..${written}, got ${JSON.stringify(p)}`;
    prefix = Number(p);
  }
  if (addr.family === 4 && written === 128) {
    // An IPv4-mapped block: keep the part below ::ffff:0:0/96, as an IPv4 block.
    if (prefix < 96) return 'an IPv4-mapped block must have a prefix of 96 or more; write the IPv4 block instead';
    prefix -= 96;
  }
  const cidr: Cidr = { family: addr.family, words: addr.words, prefix };
  if (!sameBlock(cidr, addr.words, prefix)) {
    const net = formatIp(maskWords(addr.words, prefix), addr.family);
    return `host bits are set; did you mean ${written === 128 && addr.family === 4 ? '::ffff:' : ''}${net}/${text.slice(slash + 1)}?`;
  }
  return cidr;
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && sameBlock(cidr, ip.words, cidr.prefix);
}

function sameBlock(cidr: Cidr, words: readonly number[], prefix: number): boolean {
  const masked = maskWords(words, prefix);
  for (let i = 0; i < masked.length; i++) if (masked[i] !== cidr.words[i]) return false;
  return true;
}

function maskWords(words: readonly number[], prefix: number): number[] {
  return words.map((w, i) => {
    const bits = Math.max(0, Math.min(32, prefix - i * 32));
    return bits === 0 ? 0 : (w & (-1 << (32 - bits))) >>> 0;
  });
}

function parseIpv4(t: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith('0')) return null; // 010 is octal to inet_aton: refuse it
    const n = Number(part);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

function parseIpv6(t: string): number[] | null {
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const total = head.length + tail.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return null;
  const all = [...head, ...Array<number>(8 - total).fill(0), ...tail];
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push((all[i]! * 0x10000 + all[i + 1]!) >>> 0);
  return words;
}

/** 16-bit groups of one side of `::`; a trailing dotted IPv4 counts as two groups. */
function groups(s: string): number[] | null {
  if (s === '') return [];
  const parts = s.split(':');
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIpv4(p);
      if (v4 === null) return null;
      out.push(v4 >>> 16, v4 & 0xffff);
    } else if (/^[0-9a-f]{1,4}$/i.test(p)) {
      out.push(parseInt(p, 16));
    } else {
      return null;
    }
  }
  return out;
}

export function formatIp(words: readonly number[], family: 4 | 6): string {
  if (family === 4) {
    const w = words[0]!;
    return [w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255].join('.');
  }
  const g = words.flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]);
  // RFC 5952: the longest run of two or more zero groups becomes `::`.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < g.length;) {
    let j = i;
    while (j < g.length && g[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j > i ? j : i + 1;
  }
  return best < 0 ? g.join(':') : `${g.slice(0, best).join(':')}::${g.slice(best + bestLen).join(':')}`;
}
