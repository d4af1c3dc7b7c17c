/**
 * Schema migrations, applied in order by `PRAGMA user_version`: entry i brings a database
 * from version i to i + 1. Never edit an entry that has shipped; append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    preset TEXT,
    model TEXT NOT NULL,
    dataset TEXT NOT NULL,
    config TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
    status TEXT NOT NULL DEFAULT 'created' CHECK (status IN
      ('created', 'running', 'paused', 'completed', 'stopped', 'diverged', 'failed', 'interrupted')),
    step INTEGER NOT NULL DEFAULT 0,
    total_steps INTEGER NOT NULL,
    backend TEXT,
    seed INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    notes TEXT NOT NULL DEFAULT '',
    pid INTEGER,
    error TEXT,
    best_metric REAL,
    best_metric_name TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    elapsed_ms INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX runs_by_status ON runs (status);

  -- WITHOUT ROWID: the primary key is the only access path, so the rows live in its b-tree.
  CREATE TABLE metrics (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    name TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (run_id, name, step)
  ) WITHOUT ROWID;
  CREATE INDEX metrics_by_step ON metrics (run_id, step);

  -- AUTOINCREMENT so a deleted checkpoint's id is never reused for another one.
  CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    metric_name TEXT,
    metric_value REAL,
    higher_is_better INTEGER CHECK (higher_is_better IN (0, 1)),
    state BLOB NOT NULL,
    UNIQUE (run_id, step)
  );

  -- A rowid table (not WITHOUT ROWID) because rows carry large blobs.
  CREATE TABLE samples (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, kind, step)
  );
  CREATE INDEX samples_by_step ON samples (run_id, step);

  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    data TEXT CHECK (data IS NULL OR json_valid(data))
  );
  CREATE INDEX events_by_run ON events (run_id, id);
  `,
  // 2: in-domain classifiers for image metrics, trained once per dataset and kept.
  `
  CREATE TABLE classifiers (
    key TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    accuracy REAL,
    info TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(info)),
    data BLOB NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
