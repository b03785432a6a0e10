-- Schema of a time-tracking workspace. Money is integer cents, rates are cents per hour,
-- instants are DATETIME in UTC (the server session runs with time_zone = '+00:00').

CREATE TABLE workspaces (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name             VARCHAR(255) NOT NULL,
    currency         CHAR(3) NOT NULL DEFAULT 'USD',
    time_zone        VARCHAR(64) NOT NULL DEFAULT 'UTC',
    week_start       ENUM('MONDAY','TUESDAY','WEDNESDAY','THURSDAY','FRIDAY','SATURDAY','SUNDAY')
                     NOT NULL DEFAULT 'MONDAY',
    -- Rounding applied to each entry when a report asks for it; 0 minutes turns it off.
    rounding_mode    ENUM('NEAREST','UP','DOWN') NOT NULL DEFAULT 'NEAREST',
    rounding_minutes SMALLINT UNSIGNED NOT NULL DEFAULT 15,
    hourly_rate      BIGINT NOT NULL DEFAULT 0,
    cost_rate        BIGINT NOT NULL DEFAULT 0,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY workspaces_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Users are global; a user joins workspaces through memberships. Email is NULL for users
-- known only by name (Toggl exports with an empty Email column).
CREATE TABLE users (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email      VARCHAR(320) NULL,
    name       VARCHAR(255) NOT NULL,
    status     ENUM('ACTIVE','INACTIVE') NOT NULL DEFAULT 'ACTIVE',
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE memberships (
    workspace_id BIGINT UNSIGNED NOT NULL,
    user_id      BIGINT UNSIGNED NOT NULL,
    role         ENUM('OWNER','ADMIN','MEMBER') NOT NULL DEFAULT 'MEMBER',
    hourly_rate  BIGINT NULL,
    cost_rate    BIGINT NULL,
    status       ENUM('ACTIVE','INACTIVE') NOT NULL DEFAULT 'ACTIVE',
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (workspace_id, user_id),
    KEY memberships_user (user_id),
    CONSTRAINT memberships_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT memberships_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE user_groups (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    workspace_id BIGINT UNSIGNED NOT NULL,
    name         VARCHAR(255) NOT NULL,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY user_groups_name (workspace_id, name),
    CONSTRAINT user_groups_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE user_group_members (
    group_id BIGINT UNSIGNED NOT NULL,
    user_id  BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (group_id, user_id),
    KEY user_group_members_user (user_id),
    CONSTRAINT ugm_group FOREIGN KEY (group_id) REFERENCES user_groups (id) ON DELETE CASCADE,
    CONSTRAINT ugm_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE clients (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    workspace_id BIGINT UNSIGNED NOT NULL,
    name         VARCHAR(255) NOT NULL,
    archived     TINYINT(1) NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY clients_name (workspace_id, name),
    CONSTRAINT clients_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Rates are NULL where the level sets none, so that rate precedence can fall through.
CREATE TABLE projects (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    workspace_id BIGINT UNSIGNED NOT NULL,
    client_id    BIGINT UNSIGNED NULL,
    name         VARCHAR(255) NOT NULL,
    color        CHAR(7) NOT NULL DEFAULT '#03A9F4',
    billable     TINYINT(1) NOT NULL DEFAULT 1,
    hourly_rate  BIGINT NULL,
    cost_rate    BIGINT NULL,
    archived     TINYINT(1) NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY projects_ws_name (workspace_id, name),
    CONSTRAINT projects_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT projects_client FOREIGN KEY (client_id) REFERENCES clients (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE project_members (
    project_id  BIGINT UNSIGNED NOT NULL,
    user_id     BIGINT UNSIGNED NOT NULL,
    hourly_rate BIGINT NULL,
    cost_rate   BIGINT NULL,
    PRIMARY KEY (project_id, user_id),
    CONSTRAINT pm_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE,
    CONSTRAINT pm_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tasks (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    workspace_id BIGINT UNSIGNED NOT NULL,
    project_id   BIGINT UNSIGNED NOT NULL,
    name         VARCHAR(255) NOT NULL,
    hourly_rate  BIGINT NULL,
    cost_rate    BIGINT NULL,
    status       ENUM('ACTIVE','DONE') NOT NULL DEFAULT 'ACTIVE',
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY tasks_name (project_id, name),
    KEY tasks_ws (workspace_id),
    CONSTRAINT tasks_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT tasks_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tags (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    workspace_id BIGINT UNSIGNED NOT NULL,
    name         VARCHAR(255) NOT NULL,
    archived     TINYINT(1) NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY tags_name (workspace_id, name),
    CONSTRAINT tags_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per time entry. end_at is NULL while the timer runs. hourly_rate and cost_rate are
-- the rates (cents per hour) resolved when the entry was recorded, so later rate changes do not
-- rewrite history. earned_amount and cost_amount are NULL unless an import carried amounts that
-- the rate does not reproduce; reports use them in place of duration times rate.
--
-- tag_ids repeats entry_tags as a sorted comma-separated list. entry_tags serves tag filters, and
-- tag_ids lets the detailed export stream entries from this table alone, without a join and
-- GROUP_CONCAT per row, which is where a naive export spends its time.
--
-- Index choice: every report reads one workspace over a range of start times, so
-- (workspace_id, start_at) drives them all and returns rows already in report order
-- (InnoDB appends the primary key, which breaks ties by id). A MEMBER key or a user filter
-- reads (workspace_id, user_id, start_at); a project filter reads (workspace_id, project_id,
-- start_at). import_key makes a repeated import of the same file add nothing.
CREATE TABLE time_entries (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    workspace_id    BIGINT UNSIGNED NOT NULL,
    user_id         BIGINT UNSIGNED NOT NULL,
    project_id      BIGINT UNSIGNED NULL,
    task_id         BIGINT UNSIGNED NULL,
    description     MEDIUMTEXT NOT NULL,
    start_at        DATETIME NOT NULL,
    end_at          DATETIME NULL,
    billable        TINYINT(1) NOT NULL DEFAULT 0,
    hourly_rate     BIGINT NOT NULL DEFAULT 0,
    cost_rate       BIGINT NOT NULL DEFAULT 0,
    earned_amount   BIGINT NULL,
    cost_amount     BIGINT NULL,
    approval_state  ENUM('UNAPPROVED','APPROVED') NOT NULL DEFAULT 'UNAPPROVED',
    invoicing_state ENUM('UNINVOICED','INVOICED') NOT NULL DEFAULT 'UNINVOICED',
    tag_ids         VARCHAR(2048) NOT NULL DEFAULT '',
    import_key      BINARY(32) NULL,
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY time_entries_ws_start (workspace_id, start_at),
    KEY time_entries_ws_user_start (workspace_id, user_id, start_at),
    KEY time_entries_ws_project_start (workspace_id, project_id, start_at),
    UNIQUE KEY time_entries_import (workspace_id, import_key),
    CONSTRAINT time_entries_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT time_entries_user FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT time_entries_project FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT time_entries_task FOREIGN KEY (task_id) REFERENCES tasks (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE entry_tags (
    entry_id BIGINT UNSIGNED NOT NULL,
    tag_id   BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (entry_id, tag_id),
    KEY entry_tags_tag (tag_id, entry_id),
    CONSTRAINT entry_tags_entry FOREIGN KEY (entry_id) REFERENCES time_entries (id) ON DELETE CASCADE,
    CONSTRAINT entry_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- API keys are stored as SHA-256 of the whole key. key_prefix (the first characters of the key,
-- not secret) finds the row, then the hash is compared in constant time.
CREATE TABLE api_keys (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    workspace_id BIGINT UNSIGNED NOT NULL,
    user_id      BIGINT UNSIGNED NOT NULL,
    key_prefix   CHAR(12) NOT NULL,
    key_hash     BINARY(32) NOT NULL,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY api_keys_prefix (key_prefix),
    CONSTRAINT api_keys_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT api_keys_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
