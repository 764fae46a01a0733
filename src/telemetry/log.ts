// The daemon's own messages. They never travel the routed path (a broken output must not hide
// the message that says so): they go to the sinks attached here, which the daemon points at the
// paniclog and, in the foreground, at stderr.

export type LogLevel = 'error' | 'warning' | 'notice' | 'info' | 'debug';

/** Syslog severities of the levels, for the paniclog's traditional line. */
export const LOG_LEVEL_SEVERITY: Readonly<Record<LogLevel, number>> = {
  error: 3, warning: 4, notice: 5, info: 6, debug: 7,
};

export type LogSink = (level: LogLevel, text: string, time: number) => void;

export class InternalLog {
  private sinks: LogSink[] = [];
  debugEnabled = false;

  attach(sink: LogSink): () => void {
    this.sinks.push(sink);
    return () => { this.sinks = this.sinks.filter((s) => s !== sink); };
  }

  log(level: LogLevel, text: string): void {
    if (level === 'debug' && !this.debugEnabled) return;
    const now = Date.now();
    for (const s of this.sinks) {
      try { s(level, text, now); } catch { /* a sink that fails must not take the caller down */ }
    }
  }

  error(text: string): void { this.log('error', text); }
  warning(text: string): void { this.log('warning', text); }
  notice(text: string): void { this.log('notice', text); }
  info(text: string): void { this.log('info', text); }
  debug(text: string): void { this.log('debug', text); }
}
