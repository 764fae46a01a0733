// The one schema, for SQLite and PostgreSQL, as numbered migrations. A database records the
// version it is at in `maillogd_schema`; opening it applies every later migration in order, each
// in its own transaction, so a database made by an older maillogd is upgraded in place. Never edit
// a released migration: add the next one.
//
// Times are µs since the epoch in SQLite (INTEGER) and `timestamptz` in PostgreSQL; both keep µs.

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

const RECORD_INDEXES = [
  'CREATE INDEX records_time ON records (time)',
  'CREATE INDEX records_host_time ON records (host, time)',
  'CREATE INDEX records_app_time ON records (app, time)',
  'CREATE INDEX records_mail_id ON records (mail_id)',
  'CREATE INDEX records_msgid ON records (msgid)',
  'CREATE INDEX connectorlog_time ON connectorlog (time)',
  'CREATE INDEX routelog_mail_id ON routelog (mail_id)',
  'CREATE INDEX routelog_time ON routelog (time)',
  'CREATE INDEX pdulog_time ON pdulog (time)',
];

const ID_INDEXES = [
  'DROP INDEX records_mail_id',
  "CREATE INDEX records_mail_id ON records (mail_id) WHERE mail_id <> ''",
  'DROP INDEX records_msgid',
  "CREATE INDEX records_msgid ON records (msgid) WHERE msgid <> ''",
];

/** The columns of `records` in SQLite, which every partition of it has too (sqlite-partitions.ts). */
export const SQLITE_RECORD_COLUMNS = `(
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        received INTEGER NOT NULL,
        host TEXT NOT NULL,
        app TEXT NOT NULL,
        procid TEXT NOT NULL,
        msgid TEXT NOT NULL,
        mail_id TEXT NOT NULL,
        facility INTEGER NOT NULL,
        severity INTEGER NOT NULL,
        level_scheme TEXT,
        level_value INTEGER,
        message TEXT NOT NULL,
        dialect TEXT,
        disposition TEXT,
        fields TEXT,
        input TEXT NOT NULL,
        peer TEXT NOT NULL
      )`;

/**
 * Suffix and definition of the indexes a closed partition of `records` gets, in both databases;
 * the partition taking rows has only its time index (and PostgreSQL's primary key).
 */
export const PARTITION_INDEXES: readonly (readonly [string, string])[] = [
  ['host_time', '(host, time)'],
  ['app_time', '(app, time)'],
  ['mail_id', "(mail_id) WHERE mail_id <> ''"],
  ['msgid', "(msgid) WHERE msgid <> ''"],
];

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, connectorlog, routelog, pdulog',
    sqlite: [
      `CREATE TABLE records ${SQLITE_RECORD_COLUMNS}`,
      `CREATE TABLE connectorlog (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        instance TEXT NOT NULL,
        event INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        info TEXT NOT NULL,
        options TEXT NOT NULL
      )`,
      `CREATE TABLE routelog (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        mail_id TEXT NOT NULL,
        instance TEXT NOT NULL,
        direction TEXT NOT NULL,
        ok INTEGER NOT NULL,
        destination TEXT NOT NULL
      )`,
      `CREATE TABLE pdulog (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        instance TEXT NOT NULL,
        text TEXT NOT NULL
      )`,
      ...RECORD_INDEXES,
    ],
    postgres: [
      `CREATE TABLE records (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL,
        received timestamptz NOT NULL,
        host text NOT NULL,
        app text NOT NULL,
        procid text NOT NULL,
        msgid text NOT NULL,
        mail_id text NOT NULL,
        facility smallint NOT NULL,
        severity smallint NOT NULL,
        level_scheme text,
        level_value integer,
        message text NOT NULL,
        dialect text,
        disposition text,
        fields jsonb,
        input text NOT NULL,
        peer text NOT NULL
      )`,
      `CREATE TABLE connectorlog (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL,
        instance text NOT NULL,
        event smallint NOT NULL,
        ok boolean NOT NULL,
        info text NOT NULL,
        options text NOT NULL
      )`,
      `CREATE TABLE routelog (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL,
        mail_id text NOT NULL,
        instance text NOT NULL,
        direction text NOT NULL,
        ok boolean NOT NULL,
        destination text NOT NULL
      )`,
      `CREATE TABLE pdulog (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL,
        instance text NOT NULL,
        text text NOT NULL
      )`,
      ...RECORD_INDEXES,
    ],
  },
  {
    // Most lines carry no MSGID, and many no mail id: an entry for each of them cost every insert
    // an index update that no lookup by id needs.
    version: 2,
    name: 'records_mail_id and records_msgid hold only rows that have an id',
    sqlite: ID_INDEXES,
    postgres: ID_INDEXES,
  },
  {
    // Why: src/db/pg-partitions.ts. The rows there are become the first partition, records_0, with
    // every index they had; the partitions after it are made as the sequence comes to them.
    version: 3,
    name: 'records in PostgreSQL partitioned by id',
    sqlite: [],
    postgres: [
      'ALTER TABLE records RENAME TO records_0',
      'ALTER INDEX records_pkey RENAME TO records_0_pkey',
      'ALTER INDEX records_time RENAME TO records_0_time',
      'ALTER INDEX records_host_time RENAME TO records_0_host_time',
      'ALTER INDEX records_app_time RENAME TO records_0_app_time',
      'ALTER INDEX records_mail_id RENAME TO records_0_mail_id',
      'ALTER INDEX records_msgid RENAME TO records_0_msgid',
      'CREATE TABLE records (LIKE records_0 INCLUDING DEFAULTS) PARTITION BY RANGE (id)',
      'ALTER SEQUENCE records_id_seq OWNED BY records.id',
      'ALTER TABLE records ADD CONSTRAINT records_pkey PRIMARY KEY (id)',
      'CREATE INDEX records_time ON records (time)',
      `DO $$
      DECLARE upper bigint;
      BEGIN
        -- Past the sequence too: the ids it has handed out and that were never written need no partitions.
        SELECT greatest(coalesce(max(id), 0), (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM records_id_seq)) + 1
          INTO upper FROM records_0;
        EXECUTE format('ALTER TABLE records ATTACH PARTITION records_0 FOR VALUES FROM (MINVALUE) TO (%s)', upper);
      END $$`,
    ],
  },
  {
    // Why: src/db/sqlite-partitions.ts. The table becomes the first partition, records_0, with its
    // indexes under their old names, and `records` a view of the partitions; the writer makes the
    // next partition at its first insert.
    version: 4,
    name: 'records in SQLite partitioned by id',
    sqlite: [
      'ALTER TABLE records RENAME TO records_0',
      'CREATE VIEW records AS SELECT * FROM records_0',
    ],
    postgres: [],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Tables that retention prunes by `time`. */
export const TIMED_TABLES = ['records', 'connectorlog', 'routelog', 'pdulog'] as const;
