/**
 * The embedded database schema. Migrations are numbered and applied in order inside one
 * transaction each; `PRAGMA user_version` records the last one applied.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    subject TEXT,
    correlation_id TEXT,
    logged_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (source, id)
  );
  CREATE INDEX events_subject ON events (subject, seq);
  CREATE INDEX events_correlation ON events (correlation_id, seq);

  CREATE TABLE consumer_offsets (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE delivery (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    operation TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    version REAL,
    context TEXT NOT NULL,
    correlation_id TEXT,
    traceparent TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    enqueued_at INTEGER NOT NULL,
    available_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    delivered_at INTEGER,
    external_id TEXT,
    UNIQUE (target, idempotency_key)
  );
  -- Only unfinished items are indexed for claiming: a million delivered rows cost nothing here.
  CREATE INDEX delivery_unfinished ON delivery (target, id) WHERE status IN ('pending', 'in_flight');
  CREATE INDEX delivery_unfinished_key ON delivery (target, key, id) WHERE status IN ('pending', 'in_flight');
  -- Traces start from the event log (indexed by correlation id) and follow business keys, so
  -- the queue itself is indexed by key only: every index here is paid on every enqueue.
  CREATE INDEX delivery_key ON delivery (key);
  CREATE INDEX delivery_delivered ON delivery (target, delivered_at) WHERE status = 'delivered';
  CREATE INDEX delivery_dead ON delivery (target) WHERE status = 'dead';

  -- Newest version seen per state key, so an older update arriving late is dropped.
  CREATE TABLE delivery_versions (
    target TEXT NOT NULL,
    key TEXT NOT NULL,
    version REAL NOT NULL,
    PRIMARY KEY (target, key)
  ) WITHOUT ROWID;

  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    target TEXT NOT NULL,
    key TEXT NOT NULL,
    ref TEXT NOT NULL,
    error TEXT NOT NULL,
    context TEXT NOT NULL,
    correlation_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- The system's error code (or the failure type), for grouping and filtering by reason.
    error_code TEXT GENERATED ALWAYS AS (coalesce(json_extract(error, '$.code'), json_extract(error, '$.type'))) VIRTUAL
  );
  CREATE INDEX dead_letters_status ON dead_letters (status, id);
  CREATE INDEX dead_letters_reason ON dead_letters (status, target, error_code, id);
  CREATE INDEX dead_letters_key ON dead_letters (key);
  CREATE INDEX dead_letters_correlation ON dead_letters (correlation_id);

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE INDEX audit_subject ON audit_log (subject, id);

  CREATE TABLE flows (
    id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    key TEXT NOT NULL,
    status TEXT NOT NULL,
    input TEXT NOT NULL,
    waiting TEXT,
    wait_type TEXT,
    wait_key TEXT,
    correlation_id TEXT,
    traceparent TEXT,
    error TEXT,
    -- The journal as a JSON array: one statement appends a step (json_insert '$[#]').
    journal TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
  );
  CREATE INDEX flows_waiting ON flows (wait_type, wait_key) WHERE status = 'waiting';
  CREATE INDEX flows_status ON flows (status, updated_at);
  CREATE INDEX flows_key ON flows (key);

  CREATE TABLE timers (
    id TEXT PRIMARY KEY,
    flow_id TEXT NOT NULL,
    step TEXT NOT NULL,
    fire_at INTEGER NOT NULL,
    lease_until INTEGER
  );
  CREATE INDEX timers_due ON timers (fire_at);

  CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    result TEXT,
    lease_until INTEGER,
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;

  CREATE TABLE xrefs (
    entity TEXT NOT NULL,
    hub_id TEXT NOT NULL,
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (entity, hub_id, system),
    UNIQUE (entity, system, external_id)
  );

  CREATE TABLE watermarks (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE schedules (
    name TEXT PRIMARY KEY,
    last_due_at INTEGER,
    owner TEXT,
    started_at INTEGER,
    finished_at INTEGER,
    last_outcome TEXT,
    last_error TEXT,
    next_due_at INTEGER
  );
  `,
  `
  CREATE TABLE records (
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    version REAL NOT NULL,
    data TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (entity, key)
  ) WITHOUT ROWID;
  CREATE TABLE record_match_keys (
    entity TEXT NOT NULL,
    match_key TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (entity, match_key, key)
  ) WITHOUT ROWID;
  CREATE INDEX record_match_keys_by_record ON record_match_keys (entity, key);
  `,
  `
  -- Facts an audit entry keeps beyond who/what/why, as JSON: e.g. the payload before an
  -- operator's edit ("fix and resume"), so the original stays recoverable.
  ALTER TABLE audit_log ADD COLUMN detail TEXT;
  `,
  `
  -- Data freshness per flow on the console's Health page (DeliveryStore.flowActivity,
  -- FlowStore.lastUpdates): one index seek per flow instead of a scan of a week of history.
  -- The delivered-items index is paid when an item is delivered, never on enqueue.
  ALTER TABLE delivery ADD COLUMN flow TEXT GENERATED ALWAYS AS (json_extract(context, '$.flow')) VIRTUAL;
  CREATE INDEX delivery_flow_delivered ON delivery (flow, delivered_at) WHERE status = 'delivered';
  CREATE INDEX flows_flow_updated ON flows (flow, updated_at);
  `,
  `
  -- The lease of a scheduled run in progress (null once finished): a run whose holder died
  -- mid-run is taken again when it runs out, instead of blocking its schedule for good.
  ALTER TABLE schedules ADD COLUMN lease_until INTEGER;
  -- Runs an older version left unfinished (killed mid-run) blocked their schedule: free them.
  UPDATE schedules SET lease_until = 0 WHERE started_at IS NOT NULL AND (finished_at IS NULL OR finished_at < started_at);
  `,
  `
  -- The console filters (and counts, and acts in bulk on) exceptions by error code alone: without
  -- this, SQLite walks every open entry computing error_code from its JSON (over 40 ms at 100,000).
  -- Dead letters are written when something fails, never on the delivery hot path.
  CREATE INDEX dead_letters_code ON dead_letters (status, error_code, id);
  `,
];
