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
    // 6: deactivated accounts keep their row (their history stays attributed),
    // the last sign-in shown to admins, and a record of every admin action.
    r"
ALTER TABLE agents ADD COLUMN deactivated_at INTEGER;
ALTER TABLE agents ADD COLUMN last_sign_in_at INTEGER;
CREATE TABLE admin_audit (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor_id INTEGER,                       -- NULL: the command line
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL                  -- JSON: what changed
);
",
    // 7: the agents' own layer: internal notes (never in `messages`, so no
    // visitor path can read them) and tags.
    r"
CREATE TABLE notes (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    at              INTEGER NOT NULL,
    agent_id        INTEGER NOT NULL,
    agent_name      TEXT NOT NULL,
    body            TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    mentions        TEXT NOT NULL DEFAULT '[]'  -- JSON array of agent ids
);
CREATE UNIQUE INDEX notes_client_id ON notes(conversation_id, agent_id, client_id);
CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    color      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    tag_id          INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    added_at        INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX conversation_tags_by_tag ON conversation_tags(tag_id, conversation_id);
",
    // 8: canned responses, shared and personal, and a starter set in English
    // and Thai (every tenant gets it once; owners edit or delete them freely).
    r#"
CREATE TABLE canned_responses (
    id            INTEGER PRIMARY KEY,
    scope         TEXT NOT NULL,               -- shared | personal
    owner_id      INTEGER,                     -- the agent, for personal ones
    shortcut      TEXT NOT NULL,
    category      TEXT,
    body          TEXT NOT NULL,
    quick_replies TEXT NOT NULL DEFAULT '[]',  -- JSON array of button labels
    uses          INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX canned_shortcut ON canned_responses(coalesce(owner_id, 0), shortcut);
INSERT INTO canned_responses(scope, owner_id, shortcut, category, body, quick_replies, uses, created_at, updated_at) VALUES
    ('shared', NULL, 'hello', 'Greetings', 'Hi {{visitor.name|there}}, this is {{agent.name}} from {{shop.name}}. How can I help you today?', '[]', 0, 0, 0),
    ('shared', NULL, 'order-status', 'Orders', 'Let me check your order for you. Could you send me your order number?', '[]', 0, 0, 0),
    ('shared', NULL, 'order-shipped', 'Orders', 'Good news: your order has shipped. You will get an email with the tracking link shortly.', '[]', 0, 0, 0),
    ('shared', NULL, 'shipping-times', 'Shipping', 'Orders ship within 1 business day. Delivery usually takes 2 to 4 business days.', '[]', 0, 0, 0),
    ('shared', NULL, 'returns', 'Returns', 'You can return any item within 30 days. Would you like me to start a return for you?', '["Yes, please", "No, thanks"]', 0, 0, 0),
    ('shared', NULL, 'refund', 'Returns', 'Your refund has been issued. It usually reaches your account within 5 to 7 business days.', '[]', 0, 0, 0),
    ('shared', NULL, 'hold-on', 'General', 'Thanks for waiting, {{visitor.name|}}! I am checking this now and will be right back.', '[]', 0, 0, 0),
    ('shared', NULL, 'out-of-stock', 'Orders', 'I am sorry, that item is out of stock right now. Would you like me to tell you when it is back?', '["Yes, let me know", "No, thanks"]', 0, 0, 0),
    ('shared', NULL, 'email-follow-up', 'General', 'I will look into this and email you at {{visitor.email|your email address}} as soon as I know more.', '[]', 0, 0, 0),
    ('shared', NULL, 'closing', 'Closing', 'Is there anything else I can help you with? Thanks for chatting with {{shop.name}}!', '["That is all, thanks", "I have another question"]', 0, 0, 0),
    ('shared', NULL, 'th-hello', 'ทักทาย', 'สวัสดีค่ะ คุณ{{visitor.name|ลูกค้า}} {{agent.name}} จาก {{shop.name}} ยินดีให้บริการค่ะ มีอะไรให้ช่วยไหมคะ', '[]', 0, 0, 0),
    ('shared', NULL, 'th-order-status', 'คำสั่งซื้อ', 'ขอตรวจสอบคำสั่งซื้อให้นะคะ รบกวนแจ้งหมายเลขคำสั่งซื้อด้วยค่ะ', '[]', 0, 0, 0),
    ('shared', NULL, 'th-order-shipped', 'คำสั่งซื้อ', 'สินค้าของคุณจัดส่งแล้วค่ะ จะได้รับอีเมลพร้อมลิงก์ติดตามพัสดุเร็ว ๆ นี้ค่ะ', '[]', 0, 0, 0),
    ('shared', NULL, 'th-shipping-times', 'การจัดส่ง', 'เราจัดส่งภายใน 1 วันทำการ และใช้เวลาขนส่งประมาณ 2–4 วันทำการค่ะ', '[]', 0, 0, 0),
    ('shared', NULL, 'th-returns', 'การคืนสินค้า', 'สามารถคืนสินค้าได้ภายใน 30 วันค่ะ ต้องการให้เริ่มขั้นตอนคืนสินค้าเลยไหมคะ', '["ใช่ ช่วยดำเนินการให้หน่อย", "ไม่เป็นไร ขอบคุณ"]', 0, 0, 0),
    ('shared', NULL, 'th-refund', 'การคืนสินค้า', 'เราคืนเงินให้แล้วค่ะ โดยปกติจะเข้าบัญชีภายใน 5–7 วันทำการค่ะ', '[]', 0, 0, 0),
    ('shared', NULL, 'th-hold-on', 'ทั่วไป', 'ขอบคุณที่รอค่ะ กำลังตรวจสอบให้อยู่นะคะ สักครู่ค่ะ', '[]', 0, 0, 0),
    ('shared', NULL, 'th-out-of-stock', 'คำสั่งซื้อ', 'ขออภัยค่ะ สินค้านี้หมดชั่วคราว ต้องการให้แจ้งเมื่อสินค้ากลับมาไหมคะ', '["แจ้งด้วย", "ไม่เป็นไร ขอบคุณ"]', 0, 0, 0),
    ('shared', NULL, 'th-email-follow-up', 'ทั่วไป', 'จะตรวจสอบเรื่องนี้และแจ้งกลับทางอีเมล {{visitor.email|ของคุณ}} โดยเร็วที่สุดค่ะ', '[]', 0, 0, 0),
    ('shared', NULL, 'th-closing', 'ปิดการสนทนา', 'มีอะไรให้ช่วยเพิ่มเติมไหมคะ ขอบคุณที่ติดต่อ {{shop.name}} ค่ะ', '["เรียบร้อยแล้ว ขอบคุณ", "มีคำถามอีกข้อ"]', 0, 0, 0);
"#,
    // 9: files in chat. A blob is one distinct content (its file is
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
    // 10: quick-reply buttons an agent sent with a text (JSON array; NULL: none).
    r"
ALTER TABLE messages ADD COLUMN quick_replies TEXT;
",
    // 11: invitations to join the team (only the token's hash is stored).
    r"
CREATE TABLE invitations (
    token_hash BLOB PRIMARY KEY,
    email      TEXT NOT NULL COLLATE NOCASE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    invited_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
",
    // 12: CSAT and KPIs (METRICS.md). A conversation's rating (one row,
    // changed at most once); each conversation's facts; daily rollups per agent
    // and per hour, keyed on the tenant-local day (YYYYMMDD) the conversation
    // was created; and the conversations whose facts are owed, filled in the
    // transactions that touch them and emptied off the ack path (tenant/kpi).
    r"
CREATE TABLE ratings (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
    agent_id        INTEGER,                -- the last assigned agent
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment         TEXT,
    first_rated_at  INTEGER NOT NULL,
    rated_at        INTEGER NOT NULL,
    changes         INTEGER NOT NULL DEFAULT 0,
    via             TEXT NOT NULL           -- widget | link
);
CREATE INDEX ratings_by_time ON ratings(rated_at);
CREATE TABLE conversation_kpis (
    conversation_id INTEGER PRIMARY KEY,
    day             INTEGER NOT NULL,       -- local YYYYMMDD of created_at
    hour            INTEGER NOT NULL,       -- local hour of created_at
    weekday         INTEGER NOT NULL,       -- 0 = Monday
    created_at      INTEGER NOT NULL,
    agent_id        INTEGER NOT NULL,       -- last assigned agent, 0: none
    skill           TEXT,
    closed_reason   TEXT,
    closed          INTEGER NOT NULL,
    offline         INTEGER NOT NULL,
    answered        INTEGER NOT NULL,
    missed          INTEGER NOT NULL,
    wait_ms         INTEGER,
    frt_ms          INTEGER,                -- NULL for offline ones
    resolution_ms   INTEGER,
    transfers       INTEGER NOT NULL,
    fcr             INTEGER NOT NULL,
    score           INTEGER
);
CREATE INDEX conversation_kpis_frt ON conversation_kpis(day, frt_ms);
CREATE INDEX conversation_kpis_resolution ON conversation_kpis(day, resolution_ms);
CREATE TABLE kpi_daily (
    day             INTEGER NOT NULL,
    agent_id        INTEGER NOT NULL,
    conversations   INTEGER NOT NULL,
    closed          INTEGER NOT NULL,
    answered        INTEGER NOT NULL,
    missed          INTEGER NOT NULL,
    offline         INTEGER NOT NULL,
    transfers       INTEGER NOT NULL,
    frt_count       INTEGER NOT NULL,
    frt_sum_ms      INTEGER NOT NULL,
    resolution_count INTEGER NOT NULL,
    resolution_sum_ms INTEGER NOT NULL,
    wait_count      INTEGER NOT NULL,
    wait_sum_ms     INTEGER NOT NULL,
    fcr             INTEGER NOT NULL,
    csat_1          INTEGER NOT NULL,
    csat_2          INTEGER NOT NULL,
    csat_3          INTEGER NOT NULL,
    csat_4          INTEGER NOT NULL,
    csat_5          INTEGER NOT NULL,
    PRIMARY KEY (day, agent_id)
) WITHOUT ROWID;
CREATE TABLE kpi_hourly (
    day           INTEGER NOT NULL,
    hour          INTEGER NOT NULL,
    weekday       INTEGER NOT NULL,
    conversations INTEGER NOT NULL,
    PRIMARY KEY (day, hour)
) WITHOUT ROWID;
CREATE TABLE kpi_pending (conversation_id INTEGER PRIMARY KEY);
INSERT INTO kpi_pending SELECT id FROM conversations;
",
    // 13: email. The outbox (a row per email, its formatted message kept until
    // it is sent; `sending` rows found at start were interrupted and are sent
    // again), the agent replies a visitor has not seen (emailed after the
    // tenant's delay), and agents' notification preferences.
    r"
ALTER TABLE conversations ADD COLUMN unseen_reply_at INTEGER;        -- oldest agent text neither seen nor emailed
ALTER TABLE conversations ADD COLUMN emailed_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_unseen_reply ON conversations(unseen_reply_at) WHERE unseen_reply_at IS NOT NULL;
CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY,     -- also in the Message-ID: <natter.<tenant>.<id>@<domain>>
    kind            TEXT NOT NULL,           -- reply | transcript | offline_message | missed_chat | digest
    conversation_id INTEGER,
    agent_id        INTEGER,                 -- the agent notified, for notifications
    envelope_from   TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    raw             BLOB,                    -- the formatted message; NULL once sent
    state           TEXT NOT NULL,           -- queued | sending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT                     -- a summary, never the server's whole answer
);
CREATE INDEX email_outbox_due ON email_outbox(next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX email_outbox_by_agent ON email_outbox(agent_id, created_at) WHERE agent_id IS NOT NULL;
CREATE TABLE agent_email_prefs (
    agent_id INTEGER PRIMARY KEY,
    prefs    TEXT NOT NULL                   -- JSON AgentEmailPrefs
);
",
    // 14: KPI breakdowns by skill and by closed reason read these covering
    // indexes in group order (no table rows, no sort): a year of 100,000
    // conversations went from ~60 to ~15 ms of CPU (BENCHMARKS.md "KPIs on a
    // big tenant").
    r"
CREATE INDEX conversation_kpis_by_skill ON conversation_kpis(skill, day, missed, frt_ms, resolution_ms, score);
CREATE INDEX conversation_kpis_by_reason ON conversation_kpis(closed_reason, day, missed, frt_ms, resolution_ms, score);
",
    // 15: CSAT reminders by email: one per closed conversation whose visitor
    // left an email, due a while after the close; `done_at` once sent, or
    // dropped (rated meanwhile, survey expired, email turned off).
    r"
CREATE TABLE csat_reminders (
    conversation_id INTEGER PRIMARY KEY,
    due_at          INTEGER NOT NULL,
    done_at         INTEGER
);
CREATE INDEX csat_reminders_due ON csat_reminders(due_at) WHERE done_at IS NULL;
",
];
