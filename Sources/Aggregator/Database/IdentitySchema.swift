/// Tables of the identity module (issue 4): organisations, users, roles, memberships, sessions,
/// agents and their credentials, policies, menus, login throttling and the audit chain.
/// Times are integer microseconds since the epoch (UTC); ids are UUID text; secrets only as hashes.
enum IdentitySchema {
    static let migrations: [Migration] = [
        Migration(version: 1, name: "identity") { _ in
            [
                """
                CREATE TABLE organisations (
                    id TEXT PRIMARY KEY,
                    parent_id TEXT REFERENCES organisations(id),
                    path TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    time_zone TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX organisations_parent ON organisations(parent_id)",
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    username TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    email TEXT,
                    status TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    requested_organisation_id TEXT REFERENCES organisations(id),
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE roles (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT REFERENCES organisations(id),
                    name TEXT NOT NULL UNIQUE,
                    description TEXT NOT NULL,
                    built_in BIGINT NOT NULL,
                    permissions TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE memberships (
                    user_id TEXT NOT NULL REFERENCES users(id),
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    role_id TEXT NOT NULL REFERENCES roles(id),
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (user_id, organisation_id, role_id))
                """,
                "CREATE INDEX memberships_organisation ON memberships(organisation_id)",
                """
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id),
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    revoked_at BIGINT,
                    source_address TEXT NOT NULL)
                """,
                "CREATE INDEX sessions_user ON sessions(user_id)",
                """
                CREATE TABLE agents (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    site_id TEXT NOT NULL REFERENCES organisations(id),
                    status TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX agents_site ON agents(site_id)",
                """
                CREATE TABLE agent_credentials (
                    id TEXT PRIMARY KEY,
                    token_hash TEXT NOT NULL UNIQUE,
                    agent_id TEXT NOT NULL REFERENCES agents(id),
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT,
                    revoked_at BIGINT)
                """,
                """
                CREATE TABLE policies (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    document TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE menu_items (
                    id TEXT PRIMARY KEY,
                    parent_id TEXT REFERENCES menu_items(id),
                    name_zh TEXT NOT NULL,
                    name_en TEXT NOT NULL,
                    icon TEXT NOT NULL,
                    link TEXT NOT NULL,
                    sort_order BIGINT NOT NULL,
                    permission TEXT,
                    category TEXT NOT NULL,
                    theme TEXT NOT NULL)
                """,
                """
                CREATE TABLE login_throttle (
                    throttle_key TEXT PRIMARY KEY,
                    failures BIGINT NOT NULL,
                    window_start BIGINT NOT NULL,
                    locked_until BIGINT NOT NULL)
                """,
                """
                CREATE TABLE audit_log (
                    sequence BIGINT PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    time BIGINT NOT NULL,
                    actor_id TEXT,
                    actor_kind TEXT NOT NULL,
                    organisation_id TEXT,
                    action TEXT NOT NULL,
                    target TEXT,
                    outcome TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    source_address TEXT NOT NULL,
                    details TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL)
                """,
                "CREATE INDEX audit_log_time ON audit_log(time)",
                "CREATE INDEX audit_log_organisation ON audit_log(organisation_id, sequence)",
            ]
        }
    ]
}
