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
  // 3: GAN inversion and latent editing (issue 4). Directions and encoders belong to one
  // checkpoint of a run (by step): a checkpoint rewritten or deleted leaves them refusable, not wrong.
  `
  CREATE TABLE inversions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    checkpoint_step INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    latent_space TEXT NOT NULL CHECK (latent_space IN ('z', 'w')),
    latent TEXT NOT NULL CHECK (json_valid(latent)),
    steps INTEGER NOT NULL,
    start TEXT NOT NULL,
    psnr REAL NOT NULL,
    ssim REAL NOT NULL,
    elapsed_ms REAL NOT NULL,
    loss_curve TEXT NOT NULL CHECK (json_valid(loss_curve)),
    settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    target_png BLOB NOT NULL,
    reconstruction_png BLOB NOT NULL
  );
  CREATE INDEX inversions_by_run ON inversions (run_id, id);

  CREATE TABLE directions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    checkpoint_step INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('pca', 'sefa', 'supervised')),
    name TEXT NOT NULL,
    vector TEXT NOT NULL CHECK (json_valid(vector)),
    std REAL NOT NULL,
    info TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(info)),
    UNIQUE (run_id, checkpoint_step, name)
  );

  CREATE TABLE encoders (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    checkpoint_step INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    info TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(info)),
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, checkpoint_step)
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
