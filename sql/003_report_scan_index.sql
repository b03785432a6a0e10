-- Lets report scans and deep JSON pages read the index alone. The range scans filter on
-- end_at IS NOT NULL (running timers are left out of reports) and order by start_at, then id, and
-- with id and end_at in the index, skipping half a million rows for a deep page no longer reads
-- each row (0.45 s to 0.09 s for page 10,000 of 50 over 1,000,000 entries on a 2-CPU machine).
ALTER TABLE time_entries
    DROP INDEX time_entries_ws_start,
    ADD INDEX time_entries_ws_start (workspace_id, start_at, id, end_at),
    DROP INDEX time_entries_ws_user_start,
    ADD INDEX time_entries_ws_user_start (workspace_id, user_id, start_at, id, end_at);

-- Entries keep their workspace foreign key but not those to users, projects and tasks: InnoDB
-- needs an index of its own for each, and three extra indexes to update per row were the larger
-- part of the cost of bulk loads (generate, import, restore). Those writers resolve every id
-- inside the workspace before they write it, and reportd deletes no users, projects or tasks.
ALTER TABLE time_entries
    DROP FOREIGN KEY time_entries_user,
    DROP FOREIGN KEY time_entries_project,
    DROP FOREIGN KEY time_entries_task;
ALTER TABLE time_entries
    DROP INDEX time_entries_user,
    DROP INDEX time_entries_project,
    DROP INDEX time_entries_task;
