// Connection stages: where in the SMTP conversation a transient or permanent failure happened
// (field 9 of a mainlog `T`/`P` line).

export const CONNECTION_STAGES: readonly string[] = [
  'not connected', // 0
  'idle',
  'during MAIL FROM',
  'after MAIL FROM',
  'during RCPT TO',
  'after RCPT TO', // 5
  'during DATA',
  'after DATA',
  'sending BODY',
  'reading confirmation',
  'during EHLO', // 10
  'after EHLO',
  'reading BANNER',
  'during RSET',
  'after RSET',
  'during STARTTLS', // 15
  'after STARTTLS',
  'handshaking TLS',
  'renegotiating TLS',
  'during XCLIENT',
  'after XCLIENT', // 20
  'out-of-band bounce',
  'unknown',
];

/** The stage's name; `unknown` (the table's own code 22) for a code outside the table. */
export function stageName(code: number): string {
  return CONNECTION_STAGES[code] ?? 'unknown';
}
