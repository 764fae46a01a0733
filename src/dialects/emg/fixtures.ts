// Connector log lines as EMG's logging documentation prints them (the samples of an incoming MGP
// connector and an outgoing CIMD2 connector), with ASCII quotes where the rendered page shows
// typographic ones. Golden tests read each both ways.

export interface ConnectorSample {
  readonly line: string;
  readonly instance: string;
  readonly event: string;
  readonly ok: boolean;
  readonly info: string;
  readonly options: string;
}

export const INCOMING_SAMPLE: readonly ConnectorSample[] = [
  { line: 'Sep 11 22:34:34.306 (2) CONNECT OK (info="127.0.0.1")', instance: '2', event: 'CONNECT', ok: true, info: 'info="127.0.0.1"', options: '' },
  { line: 'Sep 11 22:34:34.316 (2) LOGIN OK (info="emguser")', instance: '2', event: 'LOGIN', ok: true, info: 'info="emguser"', options: '' },
  {
    line: 'Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 017:3',
    instance: '2', event: 'RECEIVE', ok: true, info: 'orphaned',
    options: '001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 017:3',
  },
  { line: 'Sep 11 22:34:34.468 (2) LOGOUT OK', instance: '2', event: 'LOGOUT', ok: true, info: '', options: '' },
  { line: 'Sep 11 22:34:34.471 (2) DISCONNECT OK', instance: '2', event: 'DISCONNECT', ok: true, info: '', options: '' },
];

export const OUTGOING_SAMPLE: readonly ConnectorSample[] = [
  { line: 'Sep 11 22:35:28.664 (4) CONNECT OK', instance: '4', event: 'CONNECT', ok: true, info: '', options: '' },
  { line: 'Sep 11 22:35:29.071 (4) LOGIN OK', instance: '4', event: 'LOGIN', ok: true, info: '', options: '' },
  {
    line: 'Sep 11 22:35:30.275 (4) SEND OK (pdu=1/1) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 095:1031776530 096:269 017:3',
    instance: '4', event: 'SEND', ok: true, info: 'pdu=1/1',
    options: '001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 095:1031776530 096:269 017:3',
  },
  { line: 'Sep 11 22:35:40.512 (4) LOGOUT OK', instance: '4', event: 'LOGOUT', ok: true, info: '', options: '' },
  { line: 'Sep 11 22:37:29.007 (4) DISCONNECT OK', instance: '4', event: 'DISCONNECT', ok: true, info: '', options: '' },
];

/** The documentation's example of a failed send: the pdu was 1 of 1, the protocol error code 72. */
export const SEND_ERR_EXAMPLE = 'Sep 11 22:35:30.275 (4) SEND ERR (pdu=1/1,info="72")';

export const SAMPLE_LINES: readonly ConnectorSample[] = [...INCOMING_SAMPLE, ...OUTGOING_SAMPLE];
