// rp_valstr()'s status strings, with the reply code MMDF packs behind each (h/mmdf.h: two bits of
// "basic degree of success", three of domain, three specific, read as octal) and the class its
// basic bits give it. The class follows MMDF's own rp_isbad()/rp_gbval() tests, not the names:
//   0yz complete success, 1yz partial success  → success   (DONE OK MOK DOK MAST SLAV AOK HOK)
//   2yz transient negative completion          → temporary (AGN TIME NOOP EOF NET BHST DHST NIO
//                                                             NS FIO FCRT FOPN LIO LOCK)
//   3yz permanent negative completion          → permanent (MECH NO PROT RPLY NAUTH NDEL HUH NCMD
//                                                             PARM UCMD USER BADR BCHN)
// BHST ("foreign host screwed up") is 2yz: deliver marks the host dead and retries later.
// An unknown code prints as `*** Illegal:  0bcs` with its three fields as octal digits; its class
// is read from `b` the same way.

export type MmdfStatusClass = 'success' | 'temporary' | 'permanent';

export interface MmdfStatus {
  readonly name: string;
  /** The reply code (an octal byte in MMDF's source). */
  readonly code: number;
  readonly meaning: string;
}

export const MMDF_STATUSES: readonly MmdfStatus[] = [
  { name: 'DONE', code: 0o010, meaning: 'done (e.g. with transaction)' },
  { name: 'OK', code: 0o011, meaning: 'general-purpose OK' },
  { name: 'DOK', code: 0o013, meaning: 'accepted for the delayed submission channel' },
  { name: 'MOK', code: 0o040, meaning: 'message accepted' },
  { name: 'MAST', code: 0o110, meaning: 'you are the requestor' },
  { name: 'SLAV', code: 0o111, meaning: 'you are the requestee' },
  { name: 'AOK', code: 0o140, meaning: 'address accepted' },
  { name: 'HOK', code: 0o141, meaning: 'host processing completed' },
  { name: 'AGN', code: 0o210, meaning: 'not now; maybe later' },
  { name: 'TIME', code: 0o211, meaning: 'timeout' },
  { name: 'NOOP', code: 0o212, meaning: 'nothing done, this time' },
  { name: 'EOF', code: 0o213, meaning: 'end of file' },
  { name: 'NET', code: 0o220, meaning: 'channel went bad' },
  { name: 'BHST', code: 0o221, meaning: 'foreign host misbehaved' },
  { name: 'DHST', code: 0o222, meaning: 'host went away' },
  { name: 'NIO', code: 0o224, meaning: 'network i/o problem' },
  { name: 'NS', code: 0o225, meaning: 'temporary nameserver failure' },
  { name: 'FIO', code: 0o250, meaning: 'error reading/writing file' },
  { name: 'FCRT', code: 0o251, meaning: 'unable to create file' },
  { name: 'FOPN', code: 0o252, meaning: 'unable to open file' },
  { name: 'LIO', code: 0o260, meaning: 'local i/o problem' },
  { name: 'LOCK', code: 0o261, meaning: 'resource locked' },
  { name: 'HUH', code: 0o300, meaning: 'could not parse the request' },
  { name: 'NCMD', code: 0o301, meaning: 'no such command' },
  { name: 'PARM', code: 0o302, meaning: 'bad parameter' },
  { name: 'UCMD', code: 0o303, meaning: 'command not implemented' },
  { name: 'MECH', code: 0o310, meaning: 'bad mechanism/path' },
  { name: 'NO', code: 0o311, meaning: 'general-purpose NO' },
  { name: 'PROT', code: 0o320, meaning: 'protocol error' },
  { name: 'RPLY', code: 0o321, meaning: 'bad reply code' },
  { name: 'USER', code: 0o330, meaning: 'unknown user' },
  { name: 'NAUTH', code: 0o331, meaning: 'bad authorisation' },
  { name: 'NDEL', code: 0o340, meaning: 'could not deliver' },
  { name: 'BADR', code: 0o341, meaning: 'bad address' },
  { name: 'BCHN', code: 0o342, meaning: 'address invalid on that channel' },
];

const CLASSES: readonly MmdfStatusClass[] = ['success', 'success', 'temporary', 'permanent'];
const byName = new Map(MMDF_STATUSES.map((s) => [s.name, s]));
const byCode = new Map(MMDF_STATUSES.map((s) => [s.code, s]));
const ILLEGAL = /^\*\*\* Illegal: {2}0([0-3])([0-7])([0-7])$/;

/** The class of `code` from its basic bits. */
export function codeClass(code: number): MmdfStatusClass {
  return CLASSES[(code >> 6) & 3]!;
}

/** The reply code a status text stands for (an illegal one gives its printed digits); null if neither. */
export function statusCode(text: string): number | null {
  const s = byName.get(text);
  if (s !== undefined) return s.code;
  const m = ILLEGAL.exec(text);
  return m === null ? null : Number.parseInt(m[1]! + m[2]! + m[3]!, 8);
}

/** The class of a status text, or null when rp_valstr() could not have written it. */
export function statusClass(text: string): MmdfStatusClass | null {
  const code = statusCode(text);
  return code === null ? null : codeClass(code);
}

/** What rp_valstr() writes for `code` (0..255). */
export function statusText(code: number): string {
  const s = byCode.get(code & 0o377);
  if (s !== undefined) return s.name;
  const digits = ((code >> 6) & 3).toString() + ((code >> 3) & 7).toString() + (code & 7).toString();
  return `*** Illegal:  0${digits}`;
}
