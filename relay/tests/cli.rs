//! The `natter` command line: tenant and agent management, configuration
//! precedence, and clear refusals.

use std::process::{Command, Output};

fn natter(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_natter"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("NATTER_PASSWORD_ITERATIONS", "1000")
        .env("AGENT_PW", "a long enough password")
        .env_remove("NATTER_LISTEN")
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn fails(out: &Output) -> String {
    assert!(!out.status.success(), "expected failure, got: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn tenants_and_agents_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let added = ok(&natter(d, &["tenant", "add", "acme", "--name", "Acme Shop", "--origin", "https://acme.example"]));
    assert!(added.contains("added tenant acme"));
    assert!(added.contains("identity secret"));
    assert!(fails(&natter(d, &["tenant", "add", "acme", "--name", "Again"])).contains("already exists"));
    assert!(fails(&natter(d, &["tenant", "add", "Bad_Id", "--name", "x"])).contains("invalid tenant id"));
    assert!(fails(&natter(d, &["tenant", "add", "web", "--name", "x", "--origin", "acme.example"])).contains("origin"));
    assert_eq!(ok(&natter(d, &["tenant", "list"])), "acme\tAcme Shop\thttps://acme.example\n");
    // The same secret can be printed again later, for the shop's server.
    let secret = ok(&natter(d, &["tenant", "secret", "acme"]));
    assert!(added.contains(secret.trim()) && secret.trim().len() >= 32, "{secret}");
    assert!(fails(&natter(d, &["tenant", "secret", "nope"])).contains("no tenant nope"));

    let out = ok(&natter(
        d,
        &[
            "agent",
            "add",
            "--tenant",
            "acme",
            "--email",
            "ann@acme.example",
            "--name",
            "Ann",
            "--role",
            "owner",
            "--password-env",
            "AGENT_PW",
        ],
    ));
    assert!(out.contains("added agent 1 <ann@acme.example> (owner)"), "{out}");
    assert!(!out.contains("password:"), "a given password is never echoed");
    let out = ok(&natter(d, &["agent", "add", "--tenant", "acme", "--email", "bob@acme.example", "--name", "Bob"]));
    assert!(out.contains("password: "), "a generated password is shown once: {out}");
    assert!(
        fails(&natter(d, &["agent", "add", "--tenant", "acme", "--email", "ANN@acme.example", "--name", "Dup"]))
            .contains("already exists")
    );
    assert!(
        fails(&natter(d, &["agent", "add", "--tenant", "nope", "--email", "x@y.z", "--name", "X"]))
            .contains("no tenant nope")
    );
    assert!(
        fails(&natter(d, &["agent", "add", "--tenant", "acme", "--email", "c@y.z", "--name", "C", "--role", "god"]))
            .contains("unknown role")
    );

    let list = ok(&natter(d, &["agent", "list", "--tenant", "acme"]));
    assert_eq!(list.lines().count(), 2);
    assert!(list.contains("bob@acme.example\tBob\tagent"));

    assert!(
        ok(&natter(
            d,
            &["agent", "passwd", "--tenant", "acme", "--email", "bob@acme.example", "--password-env", "AGENT_PW"]
        ))
        .contains("password changed")
    );
    assert!(
        fails(&natter(d, &["agent", "remove", "--tenant", "acme", "--email", "ann@acme.example"]))
            .contains("last owner")
    );
    assert!(
        ok(&natter(d, &["agent", "remove", "--tenant", "acme", "--email", "bob@acme.example"]))
            .contains("removed agent")
    );
    assert!(ok(&natter(d, &["tenant", "remove", "acme"])).contains("removed tenant acme"));
    assert_eq!(ok(&natter(d, &["tenant", "list"])), "");
    let kept: Vec<_> = std::fs::read_dir(d.join("tenants")).unwrap().filter_map(|e| e.ok()).collect();
    assert!(kept.iter().any(|e| e.file_name().to_string_lossy().starts_with("acme.db.removed-")), "data kept");
}

#[test]
fn config_file_is_checked_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("natter.toml");
    std::fs::write(&file, "data_dir = \"/nonexistent/should/be/overridden\"\nlisten = \"127.0.0.1:1\"\n").unwrap();
    // --data-dir (a flag) wins over the file's data_dir.
    let out = natter(dir.path(), &["--config", file.to_str().unwrap(), "tenant", "list"]);
    ok(&out);
    std::fs::write(&file, "lisen = \"127.0.0.1:1\"\n").unwrap();
    let err = fails(&natter(dir.path(), &["--config", file.to_str().unwrap(), "tenant", "list"]));
    assert!(err.contains("unknown field") && err.contains("lisen"), "{err}");
}

#[test]
fn a_database_newer_than_the_code_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    ok(&natter(dir.path(), &["tenant", "list"]));
    let conn = rusqlite::Connection::open(dir.path().join("registry.db")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = fails(&natter(dir.path(), &["tenant", "list"]));
    assert!(err.contains("newer than this natter supports"), "{err}");
}

#[test]
fn help_lists_commands_and_environment() {
    let out = Command::new(env!("CARGO_BIN_EXE_natter")).arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in ["serve", "tenant", "agent", "--listen", "NATTER_LISTEN", "--data-dir", "NATTER_DATA_DIR", "--config"]
    {
        assert!(help.contains(needle), "--help mentions {needle}");
    }
}
