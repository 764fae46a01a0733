// The embedded default: what the daemon runs when no --config is given. It is parsed by the same
// loader as any file, so it is checked by the same rules. Paths are relative to the working
// directory, so `npm start` keeps everything under ./var/.

export const EMBEDDED_DEFAULT_INI = `
[daemon]
log_root = var/log/maillogd
state_dir = var/lib/maillogd
paniclog = paniclog
stats_interval_secs = 300
control_socket = var/run/maillogd/control.sock

; Syslog from rsyslog, logger or an MTA, on the development ports.
[input.udp]
type = udp
address = 127.0.0.1
port = 5514

[input.tcp]
type = tcp
address = 127.0.0.1
port = 5514

; Axigen's log service port (logType = remote pointing here).
[input.axigen]
type = udp
address = 127.0.0.1
port = 2000

[output.all]
type = file
path = all.log
format = traditional

[output.mail]
type = file
path = mail.log
format = traditional

; Every record also in SQLite (var/lib/maillogd/maillogd.db), for maillogctl query and trace.
[output.db]
type = sqlite
path = maillogd.db

[rule.mail]
priority = 10
facility = mail
outputs = mail

[rule.all]
priority = 100
outputs = all, db
`;
