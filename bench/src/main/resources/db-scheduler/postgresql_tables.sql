-- db-scheduler's execution table for PostgreSQL, as its documentation defines it for 16.x (one row
-- per scheduled execution, keyed by task name and instance id). Created by
-- DbSchedulerContestant in the contestant's own benchmark database; written for the benchmark,
-- columns and indexes as documented upstream.
CREATE TABLE IF NOT EXISTS scheduled_tasks (
    task_name            TEXT                     NOT NULL,
    task_instance        TEXT                     NOT NULL,
    task_data            BYTEA,
    execution_time       TIMESTAMP WITH TIME ZONE NOT NULL,
    picked               BOOLEAN                  NOT NULL,
    picked_by            TEXT,
    last_success         TIMESTAMP WITH TIME ZONE,
    last_failure         TIMESTAMP WITH TIME ZONE,
    consecutive_failures INT,
    last_heartbeat       TIMESTAMP WITH TIME ZONE,
    version              BIGINT                   NOT NULL,
    -- read only with enablePriority(); higher values are fetched first
    priority             SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);

-- due executions (fetch without priority)
CREATE INDEX IF NOT EXISTS execution_time_idx ON scheduled_tasks (execution_time);
-- dead-execution detection
CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
-- due executions with priority: ORDER BY priority DESC, execution_time ASC
CREATE INDEX IF NOT EXISTS priority_execution_time_idx
    ON scheduled_tasks (priority DESC, execution_time ASC);
