-- Console sessions are stored under the SHA-256 (hex) of their id, so a copy of the table signs
-- nobody in; existing rows are converted in place (their cookies keep working). created_at
-- bounds a session's whole life (GATEHOUSE_SESSION_MAX_HOURS); rows from before count from now.
ALTER TABLE console_sessions ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();
UPDATE console_sessions SET id = encode(sha256(convert_to(id, 'UTF8')), 'hex');
-- Ending an administrator's other sessions (password change) finds them by admin id.
CREATE INDEX console_sessions_admin ON console_sessions ((data ->> 'admin_id'));
CREATE INDEX console_sessions_created ON console_sessions (created_at);
