//! The schemas, as append-only migration lists. See `migrate.rs` for the rules.

/// The tenant registry (`registry.db`): which tenants exist.
pub const REGISTRY: &[&str] = &[r"
CREATE TABLE tenants (
    id              TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    allowed_origins TEXT NOT NULL,          -- JSON array of origin patterns
    created_at      INTEGER NOT NULL
);
"];

/// One tenant's database (`tenants/<id>.db`).
pub const TENANT: &[&str] = &[
    // 1: agents, sessions, visitors, conversations, messages.
    r"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE agents (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    agent_id     INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE visitors (
    id          TEXT PRIMARY KEY,
    external_id TEXT UNIQUE,
    name        TEXT,
    email       TEXT,
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    visitor_id       TEXT NOT NULL REFERENCES visitors(id),
    status           TEXT NOT NULL,
    assignee_id      INTEGER,
    assignee_name    TEXT,
    name             TEXT,
    email            TEXT,
    page_url         TEXT,
    referrer         TEXT,
    user_agent       TEXT,
    created_at       INTEGER NOT NULL,
    closed_at        INTEGER,
    last_seq         INTEGER NOT NULL DEFAULT 0,
    visitor_read_seq INTEGER NOT NULL DEFAULT 0,
    agent_read_seq   INTEGER NOT NULL DEFAULT 0,
    preview          TEXT
);
CREATE INDEX conversations_open ON conversations(status) WHERE status <> 'closed';
CREATE INDEX conversations_by_visitor ON conversations(visitor_id, id);
CREATE TABLE messages (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    seq             INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    author          TEXT NOT NULL,           -- visitor | agent | system
    agent_id        INTEGER,
    agent_name      TEXT,
    kind            TEXT NOT NULL,           -- text | event
    body            TEXT NOT NULL,           -- the text, or the event as JSON
    sender          TEXT,                    -- 'v' or 'a<id>': scope of client_id
    client_id       TEXT,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_client_id ON messages(conversation_id, sender, client_id)
    WHERE client_id IS NOT NULL;
",
    // 2: queue, routing, availability, settings (issue: queue and routing).
    r"
ALTER TABLE conversations ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE conversations ADD COLUMN skill TEXT;
ALTER TABLE conversations ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN phone TEXT;
ALTER TABLE conversations ADD COLUMN fields TEXT;                 -- JSON object of custom pre-chat answers
ALTER TABLE conversations ADD COLUMN queued_at INTEGER;           -- when it (re)entered the queue
ALTER TABLE conversations ADD COLUMN assigned_at INTEGER;         -- when an agent last took it
ALTER TABLE conversations ADD COLUMN closed_reason TEXT;          -- agent | visitor | abandoned | inactive
ALTER TABLE conversations ADD COLUMN last_activity_at INTEGER;    -- time of the newest message
UPDATE conversations SET queued_at = created_at, last_activity_at = created_at;
CREATE INDEX conversations_closed ON conversations(closed_at) WHERE status = 'closed';
ALTER TABLE agents ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';  -- JSON array
ALTER TABLE agents ADD COLUMN max_chats INTEGER;                  -- NULL: tenant default
CREATE TABLE assignments (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,      -- claimed | auto_assigned | transferred | to_skill | requeued
    agent_id        INTEGER,            -- the agent it went to, if any
    by_agent_id     INTEGER,            -- who did it, if an agent
    skill           TEXT,
    note            TEXT
);
CREATE INDEX assignments_by_conversation ON assignments(conversation_id, at);
",
    // 3: the visitor's UTC offset (their local time in the console).
    r"
ALTER TABLE conversations ADD COLUMN utc_offset_min INTEGER;
",
    // 4: a trigram index of text messages for the agents' history search
    // (substring matches without scanning every message). Contentless (the text
    // stays in `messages`); rowid = conversation id << 24 | seq, so matches come
    // newest conversation first and a page stops early.
    r"
CREATE VIRTUAL TABLE message_search USING fts5(body, content = '', tokenize = 'trigram');
INSERT INTO message_search(rowid, body)
    SELECT (conversation_id << 24) | seq, body FROM messages WHERE kind = 'text';
",
    // 5: text messages not yet in `message_search` (same key as its rowid). A
    // message is queued here in the transaction that stores it, and the indexer
    // moves it into the index in a later one, keeping the index off the ack path.
    r"
CREATE TABLE message_search_pending (id INTEGER PRIMARY KEY);
",
    // 6: files in chat. A blob is one distinct content (its file is
    // `<tenant>.files/blobs/<sha256>`); an upload is one file someone sent,
    // pointing at its blob (and its thumbnail's), attached to at most one
    // message. Refusals for malware are kept for agents and operators.
    r"
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,            -- lowercase hex; the file's name
    bytes      INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE uploads (
    id              TEXT PRIMARY KEY,       -- up_ + 22 base64url
    uploader        TEXT NOT NULL,          -- 'v:<visitor id>' or 'a:<agent id>'
    name            TEXT NOT NULL,
    mime            TEXT NOT NULL,
    bytes           INTEGER NOT NULL,
    sha256          TEXT NOT NULL REFERENCES blobs(sha256),
    thumb_sha256    TEXT REFERENCES blobs(sha256),
    width           INTEGER,
    height          INTEGER,
    scanned         INTEGER NOT NULL,       -- 0: stored unscanned (scanner down, tenant accepts)
    created_at      INTEGER NOT NULL,
    conversation_id INTEGER,                -- the message it is attached to, once it is
    seq             INTEGER,
    position        INTEGER                 -- its place among that message's attachments
) WITHOUT ROWID;
CREATE INDEX uploads_by_message ON uploads(conversation_id, seq, position) WHERE conversation_id IS NOT NULL;
CREATE INDEX uploads_unattached ON uploads(created_at) WHERE conversation_id IS NULL;
CREATE INDEX uploads_by_blob ON uploads(sha256);
CREATE INDEX uploads_by_thumb ON uploads(thumb_sha256) WHERE thumb_sha256 IS NOT NULL;
CREATE TABLE file_refusals (
    at              INTEGER NOT NULL,
    uploader        TEXT NOT NULL,
    name            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    reason          TEXT NOT NULL,          -- infected
    signature       TEXT,
    conversation_id INTEGER                 -- where agents were told, if anywhere
);
",
];
