// Connector log events and the numbers EMG stores for them in the `connectorlog` table. The
// numbers are EMG's own (6 and 8 are unused in its table); names are written in upper case.

export const EMG_EVENTS = [
  { name: 'CONNECT', code: 0 },
  { name: 'DISCONNECT', code: 1 },
  { name: 'LOGIN', code: 2 },
  { name: 'LOGOUT', code: 3 },
  { name: 'SEND', code: 4 },
  { name: 'RECEIVE', code: 5 },
  { name: 'REJECT', code: 7 },
  { name: 'MAXFAIL', code: 9 },
  { name: 'EXPIRE', code: 10 },
] as const;

export type EmgEvent = (typeof EMG_EVENTS)[number]['name'];

const codeByName = new Map<string, number>(EMG_EVENTS.map((e) => [e.name, e.code]));
const nameByCode = new Map<number, EmgEvent>(EMG_EVENTS.map((e) => [e.code, e.name]));

/** The event named exactly `text` (upper case), or null. */
export function parseEmgEvent(text: string): EmgEvent | null {
  return codeByName.has(text) ? (text as EmgEvent) : null;
}

export function emgEventCode(event: EmgEvent): number {
  return codeByName.get(event) ?? -1;
}

export function emgEventName(code: number): EmgEvent | null {
  return nameByCode.get(code) ?? null;
}
