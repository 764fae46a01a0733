// What an entry tag says about its writer. ll_hdinit() builds `"%-6.6s%04d"` (program name or the
// configured hdr, cut or padded to six, then pid % 10000); the background deliver daemon writes
// `BG-%04d` (pid % 1000 in the code); the documented conventions are `SB-` for submit and `DL-` for
// a deliver submit started; the compiled-in defaults are `XX-0000`, `UA-0000` and `AU-0000`.

export type MmdfTagRole = 'submit' | 'deliver' | 'background_deliver' | 'default' | 'program';

export interface MmdfTagInfo {
  readonly role: MmdfTagRole;
  /** The program name from `%-6.6s`, trailing pad spaces removed; '' for the 2-letter forms. */
  readonly program: string;
  /** The four pid digits, or null when the tag has none. */
  readonly pid: number | null;
}

const ROLE_BY_LETTERS: Readonly<Record<string, MmdfTagRole>> = {
  SB: 'submit', DL: 'deliver', BG: 'background_deliver',
};
const DEFAULT_TAGS = new Set(['XX-0000', 'UA-0000', 'AU-0000']);
const TWO_LETTER = /^([A-Z]{2})-(\d{4})$/;
const HDINIT = /^(.{6})(\d{4})$/s;

/** Reads a tag; null when it has neither known shape (a free `hdr=` value). */
export function describeTag(tag: string): MmdfTagInfo | null {
  if (DEFAULT_TAGS.has(tag)) return { role: 'default', program: '', pid: null };
  const two = TWO_LETTER.exec(tag);
  if (two !== null) {
    const role = ROLE_BY_LETTERS[two[1]!];
    if (role !== undefined) return { role, program: '', pid: Number(two[2]) };
  }
  const hd = HDINIT.exec(tag);
  if (hd === null) return null;
  const program = hd[1]!.trimEnd();
  return { role: 'program', program, pid: Number(hd[2]) };
}

/** `"%-6.6s%04d"` as ll_hdinit() writes it. */
export function hdinitTag(program: string, pid: number): string {
  const name = program.slice(0, 6).padEnd(6, ' ');
  return name + String(Math.abs(pid) % 10000).padStart(4, '0');
}
