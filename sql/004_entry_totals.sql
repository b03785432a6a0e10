-- Per-day totals of finished entries, so that the totals of a detailed report and the offset of
-- a deep page need not read every entry of the range. entry_totals_by_user_day has one row per
-- workspace, user and UTC date of the entry's start. entry_totals_by_day adds up the users of
-- a day, so an unfiltered report reads one row per day instead of one per user and day. The
-- sums are those of a report without rounding: seconds is end minus start, earned and cost are
-- cents computed per entry as report_query.c does (an imported amount replaces duration x
-- rate). Running timers (end_at NULL) are left out, as reports leave them out.
--
-- Every writer of time_entries (import, generate, restore) refreshes the days it touched in
-- its own transaction (src/day_totals.c), so entries and totals in a report's snapshot
-- agree. The backfill below fills the tables for data loaded before it existed.
CREATE TABLE entry_totals_by_user_day (
    workspace_id     BIGINT UNSIGNED NOT NULL,
    user_id          BIGINT UNSIGNED NOT NULL,
    day              DATE NOT NULL,
    entries          BIGINT NOT NULL,
    seconds          BIGINT NOT NULL,
    billable_seconds BIGINT NOT NULL,
    earned           BIGINT NOT NULL,
    cost             BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, day),
    CONSTRAINT entry_totals_by_user_day_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE entry_totals_by_day (
    workspace_id     BIGINT UNSIGNED NOT NULL,
    day              DATE NOT NULL,
    entries          BIGINT NOT NULL,
    seconds          BIGINT NOT NULL,
    billable_seconds BIGINT NOT NULL,
    earned           BIGINT NOT NULL,
    cost             BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day),
    CONSTRAINT entry_totals_by_day_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO entry_totals_by_user_day
SELECT workspace_id, user_id, DATE(start_at), COUNT(*),
       SUM(TIMESTAMPDIFF(SECOND, start_at, end_at)),
       SUM(CASE WHEN billable = 1 THEN TIMESTAMPDIFF(SECOND, start_at, end_at) ELSE 0 END),
       SUM(CASE WHEN billable = 0 THEN 0
                WHEN earned_amount IS NOT NULL THEN earned_amount
                WHEN TIMESTAMPDIFF(SECOND, start_at, end_at) * hourly_rate >= 0
                THEN (TIMESTAMPDIFF(SECOND, start_at, end_at) * hourly_rate + 1800) DIV 3600
                ELSE -((-(TIMESTAMPDIFF(SECOND, start_at, end_at) * hourly_rate) + 1800) DIV 3600)
           END),
       SUM(CASE WHEN cost_amount IS NOT NULL THEN cost_amount
                WHEN TIMESTAMPDIFF(SECOND, start_at, end_at) * cost_rate >= 0
                THEN (TIMESTAMPDIFF(SECOND, start_at, end_at) * cost_rate + 1800) DIV 3600
                ELSE -((-(TIMESTAMPDIFF(SECOND, start_at, end_at) * cost_rate) + 1800) DIV 3600)
           END)
FROM time_entries
WHERE end_at IS NOT NULL
GROUP BY workspace_id, user_id, DATE(start_at);

INSERT INTO entry_totals_by_day
SELECT workspace_id, day, SUM(entries), SUM(seconds), SUM(billable_seconds), SUM(earned),
       SUM(cost)
FROM entry_totals_by_user_day
GROUP BY workspace_id, day;
