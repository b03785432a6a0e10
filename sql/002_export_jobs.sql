-- Scheduled export jobs and their runs. Instants are DATETIME in UTC, like the rest of the
-- schema. One run row exists per job and scheduled instant (export_runs_once), so even two
-- hosts that both decide a job is due cannot record it twice.

-- A job is a stored report request plus when and where to write it. request_json is the
-- Clockify-style body without its date range, which each run fills from range_kind. weekday
-- (0 = Monday .. 6 = Sunday) is used by WEEKLY schedules only, day_of_month by MONTHLY ones
-- (a day past the end of a month means that month's last day). folder is relative to the
-- export_root setting. created_by is NULL for jobs an operator added with reportctl.
CREATE TABLE export_jobs (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    workspace_id   BIGINT UNSIGNED NOT NULL,
    created_by     BIGINT UNSIGNED NULL,
    name           VARCHAR(255) NOT NULL,
    report_kind    ENUM('DETAILED','SUMMARY','WEEKLY','ARCHIVE') NOT NULL,
    request_json   MEDIUMTEXT NOT NULL,
    format         ENUM('CSV','XLSX','ZIP') NOT NULL,
    schedule_kind  ENUM('DAILY','WEEKLY','MONTHLY') NOT NULL,
    schedule_hour  TINYINT UNSIGNED NOT NULL,
    schedule_minute TINYINT UNSIGNED NOT NULL,
    weekday        TINYINT UNSIGNED NULL,
    day_of_month   TINYINT UNSIGNED NULL,
    time_zone      VARCHAR(64) NOT NULL,
    range_kind     ENUM('PREVIOUS_DAY','PREVIOUS_WEEK','PREVIOUS_MONTH','EVERYTHING') NOT NULL,
    folder         VARCHAR(512) NOT NULL,
    keep_count     SMALLINT UNSIGNED NOT NULL,
    next_run_at    DATETIME NOT NULL,
    enabled        TINYINT(1) NOT NULL DEFAULT 1,
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY export_jobs_ws (workspace_id),
    KEY export_jobs_due (enabled, next_run_at),
    CONSTRAINT export_jobs_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT export_jobs_user FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per scheduled run. A failed attempt that will be retried goes back to PENDING with
-- next_retry_at set, and FAILED is final. claimed_by is "host:pid" of the process running it, and
-- heartbeat_at is refreshed while it runs, so that another host can take over a run whose
-- claimer died. pruned_at is set once the run's file was deleted to honour keep_count.
CREATE TABLE export_runs (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    job_id         BIGINT UNSIGNED NOT NULL,
    scheduled_for  DATETIME NOT NULL,
    status         ENUM('PENDING','RUNNING','SUCCEEDED','FAILED') NOT NULL DEFAULT 'PENDING',
    attempt        SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    claimed_by     VARCHAR(128) NULL,
    claimed_at     DATETIME NULL,
    heartbeat_at   DATETIME NULL,
    started_at     DATETIME NULL,
    finished_at    DATETIME NULL,
    rows_written   BIGINT UNSIGNED NULL,
    bytes_written  BIGINT UNSIGNED NULL,
    sha256         CHAR(64) NULL,
    file_name      VARCHAR(255) NULL,
    duration_ms    BIGINT UNSIGNED NULL,
    error_text     VARCHAR(1024) NULL,
    next_retry_at  DATETIME NULL,
    pruned_at      DATETIME NULL,
    UNIQUE KEY export_runs_once (job_id, scheduled_for),
    KEY export_runs_status (status, next_retry_at),
    CONSTRAINT export_runs_job FOREIGN KEY (job_id) REFERENCES export_jobs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
