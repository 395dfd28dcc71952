//! The `switchboard` binary as a newcomer runs it: zero-config serve, admin commands, config.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn switchboard(cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    command
        .current_dir(cwd)
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .env_remove("SWITCHBOARD_LISTEN")
        .env_remove("SWITCHBOARD_CONFIG");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn version_and_help_speak_to_a_newcomer() {
    let dir = tempfile::tempdir().unwrap();
    let version = stdout(&run(switchboard(dir.path()).arg("--version")));
    assert!(version.starts_with("switchboard "), "{version}");
    let help = stdout(&run(switchboard(dir.path()).arg("--help")));
    for word in ["serve", "migrate", "admin", "config", "phone line"] {
        assert!(help.contains(word), "{word} missing from help:\n{help}");
    }
}

#[test]
fn serve_with_zero_config_creates_its_database_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = switchboard(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SWITCHBOARD_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let address = loop {
        assert!(
            Instant::now() < deadline,
            "the server did not report its address"
        );
        let line = lines
            .next()
            .expect("the server logs while starting")
            .unwrap();
        let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if let Some(address) = event["address"].as_str() {
            break address.to_owned();
        }
    };
    assert!(
        dir.path().join("data/switchboard.db").is_file(),
        "SQLite is created in ./data"
    );

    let health = std::net::TcpStream::connect(&address).and_then(|mut stream| {
        stream.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
        let mut response = String::new();
        std::io::Read::read_to_string(&mut stream, &mut response)?;
        Ok(response)
    });
    assert!(health.unwrap().starts_with("HTTP/1.1 200"), "ready");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM is a clean exit, got {status}");
}

#[test]
fn admin_commands_manage_tenants_users_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let data = ["--data-dir", "state"];
    let tenant = stdout(&run(switchboard(dir.path())
        .args(data)
        .args(["admin", "tenant", "create", "--name", "Acme"])));
    let tenant = tenant.trim();
    assert!(tenant.starts_with("ten_"), "{tenant}");
    assert!(dir.path().join("state/switchboard.db").is_file());

    let mut create_user = switchboard(dir.path())
        .args(data)
        .args([
            "admin",
            "user",
            "create",
            "--tenant",
            tenant,
            "--email",
            "op@acme.test",
            "--name",
            "Op",
        ])
        .args(["--operator", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    create_user
        .stdin
        .take()
        .unwrap()
        .write_all("p@ss!wörd \"q\" \\ ;\n".as_bytes())
        .unwrap();
    let user = stdout(&create_user.wait_with_output().unwrap());
    assert!(user.trim().starts_with("usr_"), "{user}");

    let created = run(switchboard(dir.path()).args(data).args([
        "admin",
        "api-key",
        "create",
        "--email",
        "op@acme.test",
    ]));
    let key = stdout(&created);
    assert!(key.trim().starts_with("sk_"), "{key}");
    let note = String::from_utf8(created.stderr).unwrap();
    let key_id = note
        .split_whitespace()
        .find(|w| w.starts_with("key_"))
        .expect("the key id is named")
        .to_owned();

    let listed = stdout(&run(switchboard(dir.path())
        .args(data)
        .args(["admin", "tenant", "list"])));
    assert!(
        listed.contains(tenant) && listed.contains("Acme"),
        "{listed}"
    );
    let revoked = stdout(&run(switchboard(dir.path())
        .args(data)
        .args(["admin", "api-key", "revoke", &key_id, "--tenant", tenant])));
    assert!(revoked.contains(&key_id));

    let duplicate = run(switchboard(dir.path()).args(data).args([
        "admin",
        "user",
        "create",
        "--tenant",
        tenant,
        "--email",
        "op@acme.test",
        "--name",
        "X",
    ]));
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
}

#[test]
fn config_check_shows_sources_and_hides_secrets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("switchboard.toml"),
        "public_url = \"https://sb.example.com\"\n[carriers.tw]\nkind = \"twilio\"\naccount_sid = \"AC0123456789abcdef0123456789abcdef\"\nauth_token = \"tw-secret-123\"\n",
    )
    .unwrap();
    let report = stdout(&run(switchboard(dir.path()).args(["config", "check"]).env(
        "SWITCHBOARD_DATABASE_URL",
        "postgres://app:db-secret-456@db.internal/switchboard",
    )));
    assert!(
        !report.contains("tw-secret-123") && !report.contains("db-secret-456"),
        "{report}"
    );
    assert!(
        report.contains("carriers.tw.auth_token") && report.contains("<redacted>"),
        "{report}"
    );
    assert!(
        report.contains("[environment variable SWITCHBOARD_DATABASE_URL]"),
        "{report}"
    );
    assert!(report.contains("switchboard.toml"), "{report}");
}

#[test]
fn a_bad_value_stops_start_up_naming_the_key_and_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(switchboard(dir.path())
        .arg("serve")
        .env("SWITCHBOARD_LISTEN", "everywhere"));
    assert!(!output.status.success());
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.contains("`listen`") && error.contains("SWITCHBOARD_LISTEN"),
        "{error}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "nothing is created when the configuration is bad"
    );
}

/// `serve --demo` as the README shows it: it prints a key, a number and Brad's id; a call
/// placed with one curl reaches the simulated callee, and its transcript reads back.
#[test]
fn the_demo_places_a_simulated_call_with_one_request_and_reads_its_transcript() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = switchboard(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("SWITCHBOARD_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut welcome = String::new();
    while !welcome.contains("/transcript") {
        let line = lines.next().expect("the demo prints its welcome").unwrap();
        welcome.push_str(&line);
        welcome.push('\n');
    }
    let after = |marker: &str, end: char| -> String {
        let start = welcome
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {welcome}"))
            + marker.len();
        welcome[start..].chars().take_while(|c| *c != end).collect()
    };
    let base = format!("http://{}", after("running on http://", ' '));
    let key = after("SWITCHBOARD_KEY=", '\n');
    let request = format!("{{{}}}", after("-d '{", '}'));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let transcript = runtime.block_on(async {
        let http = reqwest::Client::new();
        let call: serde_json::Value = http
            .post(format!("{base}/v1/calls"))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(request)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = call["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{call}"))
            .to_owned();
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            assert!(Instant::now() < deadline, "the demo call did not end");
            let now: serde_json::Value = http
                .get(format!("{base}/v1/calls/{id}"))
                .bearer_auth(&key)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if now["status"] == "completed" {
                break;
            }
            assert!(
                ["queued", "ringing", "in_progress"].contains(&now["status"].as_str().unwrap()),
                "{now}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        http.get(format!("{base}/v1/calls/{id}/transcript"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    });
    let _ = child.kill();
    let _ = child.wait();
    let lines = transcript["data"].as_array().unwrap();
    let speakers: Vec<&str> = lines
        .iter()
        .map(|l| l["speaker"].as_str().unwrap())
        .collect();
    assert_eq!(&speakers[..3], ["agent", "caller", "agent"], "{transcript}");
    assert_eq!(lines[1]["text"], "Hello, can you hear me?");
}
