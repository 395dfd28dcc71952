//! `switchboard loadgen` end to end: it starts a server with the fakes, runs a few callers
//! through greetings, answers and a barge-in, and reports. Behaviour only: no timing asserts.

use std::process::Command;

#[test]
fn a_tiny_load_run_reports_answered_turns_and_no_failures() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let svg = dir.path().join("plot.svg");
    let output = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .current_dir(dir.path())
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .env_remove("SWITCHBOARD_CONFIG")
        .env_remove("SWITCHBOARD_KEY")
        .args([
            "loadgen",
            "--calls",
            "3",
            "--ramp-up-secs",
            "1",
            "--duration-secs",
            "12",
        ])
        .arg("--json")
        .arg(&json)
        .arg("--svg")
        .arg(&svg)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("calls up"), "a progress line: {stderr}");

    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let point = &report["points"][0];
    assert_eq!(point["calls"], 3, "{report:#}");
    assert!(point["turns"].as_u64().unwrap() >= 3, "{report:#}");
    for zero in [
        "failed_calls",
        "dropped_calls",
        "unanswered_waits",
        "protocol_errors",
    ] {
        assert_eq!(point[zero], 0, "{zero}: {report:#}");
    }
    // Every call talked over the agent once and heard it stop.
    assert!(
        point["barge_in_silence_ms"]["count"].as_u64().unwrap() >= 1,
        "{report:#}"
    );
    assert!(point["outbound_pacing_error_ms"]["count"].as_u64().unwrap() > 0);
    assert!(point["server_cpu_percent"].is_number(), "{report:#}");
    assert!(point["server_rss_per_call_kib"].is_number(), "{report:#}");
    assert_eq!(report["delays"]["llm_first_token_ms"], 250);
    assert!(stdout.contains("| calls | turns |"), "{stdout}");
    let plot = std::fs::read_to_string(&svg).unwrap();
    assert!(
        plot.starts_with("<svg") && plot.contains("polyline"),
        "{plot}"
    );
}
