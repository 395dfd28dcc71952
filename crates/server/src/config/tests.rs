use std::path::Path;

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn load_in(dir: &Path, pairs: &[(&str, &str)]) -> Result<LoadedConfig, ConfigError> {
    load_from(&Overrides::default(), env(pairs), dir)
}

#[test]
fn zero_config_listens_locally_with_sqlite_in_data() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_in(dir.path(), &[]).unwrap();
    assert_eq!(loaded.config.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(
        loaded.config.effective_database_url(),
        "sqlite://./data/switchboard.db"
    );
    assert_eq!(loaded.source_of("listen"), "default");
}

#[test]
fn layers_override_in_order_and_remember_their_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("switchboard.toml"),
        "listen = \"0.0.0.0:9000\"\nlog = \"debug\"\n[auth]\nsession_ttl_hours = 5\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "SWITCHBOARD_LOG=warn\nSWITCHBOARD_AUTH__SESSION_TTL_HOURS=6\n",
    )
    .unwrap();
    let loaded = load_in(dir.path(), &[("SWITCHBOARD_AUTH__SESSION_TTL_HOURS", "7")]).unwrap();

    assert_eq!(loaded.config.listen.to_string(), "0.0.0.0:9000");
    assert!(
        loaded.source_of("listen").starts_with("file "),
        "{}",
        loaded.source_of("listen")
    );
    assert_eq!(loaded.config.log, "warn");
    assert_eq!(loaded.source_of("log"), ".env file SWITCHBOARD_LOG");
    assert_eq!(loaded.config.auth.session_ttl_hours, 7);
    assert_eq!(
        loaded.source_of("auth.session_ttl_hours"),
        "environment variable SWITCHBOARD_AUTH__SESSION_TTL_HOURS"
    );

    let flags = Overrides {
        listen: Some("127.0.0.1:7000".into()),
        ..Overrides::default()
    };
    let loaded = load_from(
        &flags,
        env(&[("SWITCHBOARD_LISTEN", "127.0.0.1:6000")]),
        dir.path(),
    )
    .unwrap();
    assert_eq!(loaded.config.listen.to_string(), "127.0.0.1:7000");
    assert_eq!(loaded.source_of("listen"), "command-line flag");
}

#[test]
fn a_secret_can_come_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("db-url");
    std::fs::write(&secret, "postgres://app:s3cret@db.internal/switchboard\n").unwrap();
    let loaded = load_in(
        dir.path(),
        &[("SWITCHBOARD_DATABASE_URL_FILE", secret.to_str().unwrap())],
    )
    .unwrap();
    assert_eq!(
        loaded.config.database_url.as_ref().map(Secret::expose),
        Some("postgres://app:s3cret@db.internal/switchboard")
    );
    assert_eq!(
        loaded.source_of("database_url"),
        "file named by environment variable SWITCHBOARD_DATABASE_URL_FILE"
    );

    let report = render_report(&loaded);
    assert!(!report.contains("s3cret"), "{report}");
    assert!(
        report.contains("postgres://app:redacted@db.internal/switchboard"),
        "{report}"
    );
}

#[test]
fn a_bad_value_names_the_key_its_source_and_what_is_expected() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_in(dir.path(), &[("SWITCHBOARD_LISTEN", "not-an-address")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("`listen`"), "{err}");
    assert!(err.contains("SWITCHBOARD_LISTEN"), "{err}");
    assert!(err.contains("socket address"), "{err}");

    let err = load_in(dir.path(), &[("SWITCHBOARD_PUBLIC_URL", "ftp://x")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`public_url`")
            && err.contains("SWITCHBOARD_PUBLIC_URL")
            && err.contains("http(s)"),
        "{err}"
    );

    let err = load_in(dir.path(), &[("SWITCHBOARD_DATABASE_URL", "mysql://x")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`database_url`") && err.contains("postgres://"),
        "{err}"
    );

    std::fs::write(
        dir.path().join("switchboard.toml"),
        "[auth]\nallow_signup = \"perhaps\"\n",
    )
    .unwrap();
    let err = load_in(dir.path(), &[]).unwrap_err().to_string();
    assert!(
        err.contains("`auth.allow_signup`") && err.contains("switchboard.toml"),
        "{err}"
    );
}

#[test]
fn pricing_and_mcp_settings_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_in(
        dir.path(),
        &[
            ("SWITCHBOARD_PRICING__MULTIPLIER", "2.5"),
            ("SWITCHBOARD_PRICING__STT_PER_MINUTE", "10000"),
            (
                "SWITCHBOARD_MCP__ALLOWED_ORIGINS",
                "https://app.example.com,http://localhost:3000",
            ),
        ],
    )
    .unwrap();
    let pricing = loaded.config.pricing.pricing();
    assert_eq!(pricing.multiplier.millionths(), 2_500_000);
    assert_eq!(pricing.price_per_minute(false), 25_000);
    assert_eq!(loaded.config.mcp.allowed_origins.len(), 2);
    for (key, value, expected) in [
        (
            "SWITCHBOARD_PRICING__MULTIPLIER",
            "-1",
            "`pricing.multiplier`",
        ),
        (
            "SWITCHBOARD_PRICING__CURRENCY",
            "dollars",
            "`pricing.currency`",
        ),
        (
            "SWITCHBOARD_MCP__WAIT_LIMIT_SECONDS",
            "0",
            "`mcp.wait_limit_seconds`",
        ),
        (
            "SWITCHBOARD_MCP__ALLOWED_ORIGINS",
            "app.example.com",
            "`mcp.allowed_origins`",
        ),
    ] {
        let err = load_in(dir.path(), &[(key, value)])
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{key}={value}: {err}");
    }
}

#[test]
fn an_unknown_setting_in_the_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("switchboard.toml"),
        "listn = \"127.0.0.1:1\"\n",
    )
    .unwrap();
    let err = load_in(dir.path(), &[]).unwrap_err().to_string();
    assert!(
        err.contains("listn") && err.contains("no such setting"),
        "{err}"
    );
}

#[test]
fn a_named_config_file_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_in(
        dir.path(),
        &[("SWITCHBOARD_CONFIG", "/nope/switchboard.toml")],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("/nope/switchboard.toml"), "{err}");
}

#[test]
fn the_report_shows_every_key_with_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_in(dir.path(), &[("SWITCHBOARD_LOG_FORMAT", "json")]).unwrap();
    let report = render_report(&loaded);
    for key in [
        "listen",
        "data_dir",
        "database_url",
        "public_url",
        "log_format",
        "auth.allow_signup",
        "http.max_body_bytes",
    ] {
        assert!(report.contains(key), "{key} missing from\n{report}");
    }
    assert!(
        report.contains("[environment variable SWITCHBOARD_LOG_FORMAT]"),
        "{report}"
    );
}

#[test]
fn every_key_is_documented() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/configuration.md"
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = render_report(&load_in(dir.path(), &[]).unwrap());
    let keys: Vec<&str> = report
        .lines()
        .skip(2)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(keys.len() >= 10, "{report}");
    for key in keys {
        assert!(
            docs.contains(&format!("| `{key}` |")),
            "`{key}` is missing from docs/configuration.md"
        );
    }
}

#[test]
fn numeric_looking_text_stays_text_and_numbers_still_parse() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_in(
        dir.path(),
        &[
            ("SWITCHBOARD_DATA_DIR", "2024"),
            ("SWITCHBOARD_HTTP__MAX_BODY_BYTES", "4096"),
            ("SWITCHBOARD_AUTH__ALLOW_SIGNUP", "false"),
        ],
    )
    .unwrap();
    assert_eq!(loaded.config.data_dir, std::path::PathBuf::from("2024"));
    assert_eq!(loaded.config.http.max_body_bytes, 4096);
    assert!(!loaded.config.auth.allow_signup);
}

#[test]
fn a_value_and_its_file_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_in(
        dir.path(),
        &[
            ("SWITCHBOARD_DATABASE_URL", "sqlite://a.db"),
            ("SWITCHBOARD_DATABASE_URL_FILE", "/x"),
        ],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("SWITCHBOARD_DATABASE_URL_FILE") && err.contains("not both"),
        "{err}"
    );
}

#[test]
fn secrets_stay_out_of_errors_debug_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "SWITCHBOARD_LOG=info\nthis line is not valid env-secret-789\n",
    )
    .unwrap();
    let err = load_in(dir.path(), &[]).unwrap_err().to_string();
    assert!(!err.contains("env-secret-789"), "{err}");
    std::fs::remove_file(dir.path().join(".env")).unwrap();

    let url = "postgres://app@db.internal/switchboard?password=query-secret-456&sslmode=require";
    let loaded = load_in(
        dir.path(),
        &[
            ("SWITCHBOARD_DATABASE_URL", url),
            ("SWITCHBOARD_CARRIERS__TW__KIND", "twilio"),
            (
                "SWITCHBOARD_CARRIERS__TW__ACCOUNT_SID",
                "AC0123456789abcdef0123456789abcdef",
            ),
            ("SWITCHBOARD_CARRIERS__TW__AUTH_TOKEN", "tw-secret-123"),
            ("SWITCHBOARD_PUBLIC_URL", "https://sb.example.com"),
        ],
    )
    .unwrap();
    let report = render_report(&loaded);
    let debug = format!("{:?}", loaded.config);
    for leaked in ["query-secret-456", "tw-secret-123"] {
        assert!(!report.contains(leaked), "{report}");
        assert!(!debug.contains(leaked), "{debug}");
    }
    assert!(report.contains("sslmode=require"), "{report}");
}

#[test]
fn providers_come_from_toml_and_environment_and_their_keys_stay_secret() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("switchboard.toml"),
        "[providers.deepgram]\nkind = \"deepgram\"\napi_key = \"dg-secret-1234\"\n\
         [providers.local]\nkind = \"ollama\"\nllm_model = \"llama3.2\"\n\
         [providers.local.prices]\nllm_input_per_million_tokens = 150000\n",
    )
    .unwrap();
    let loaded = load_in(
        dir.path(),
        &[
            ("SWITCHBOARD_PROVIDERS__OPENAI__KIND", "openai"),
            (
                "SWITCHBOARD_PROVIDERS__OPENAI__API_KEY",
                "sk-env-secret-5678",
            ),
            ("SWITCHBOARD_VOICE__LLM", "local, openai"),
            ("SWITCHBOARD_VOICE__STT", "deepgram"),
        ],
    )
    .unwrap();
    let config = &loaded.config;
    assert_eq!(config.voice.llm, ["local", "openai"]);
    assert_eq!(config.voice.stt, ["deepgram"]);
    assert_eq!(config.providers["openai"].kind, ProviderKind::Openai);
    assert_eq!(
        config.providers["local"]
            .prices
            .llm_input_per_million_tokens,
        150_000
    );
    let report = render_report(&loaded);
    assert!(report.contains("providers.openai.api_key"), "{report}");
    assert!(!report.contains("dg-secret-1234"), "{report}");
    assert!(!report.contains("sk-env-secret-5678"), "{report}");
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("dg-secret") && !debug.contains("env-secret"),
        "Debug shows a key"
    );
}

#[test]
fn provider_mistakes_name_the_key() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("SWITCHBOARD_VOICE__LLM", "nobody")], "voice.llm"),
        (
            &[("SWITCHBOARD_PROVIDERS__OPENAI__KIND", "openai")],
            "providers.openai.api_key",
        ),
        (
            &[
                ("SWITCHBOARD_PROVIDERS__TTS__KIND", "elevenlabs"),
                ("SWITCHBOARD_PROVIDERS__TTS__API_KEY", "x"),
                ("SWITCHBOARD_VOICE__LLM", "tts"),
            ],
            "voice.llm",
        ),
        (
            &[("SWITCHBOARD_PROVIDERS__MINE__KIND", "vllm")],
            "providers.mine.base_url",
        ),
        (
            &[("SWITCHBOARD_PROVIDERS__MINE__KIND", "telepathy")],
            "providers.mine.kind",
        ),
    ];
    for (vars, key) in cases {
        let dir = tempfile::tempdir().unwrap();
        let err = load_in(dir.path(), vars).unwrap_err().to_string();
        assert!(err.contains(key), "{vars:?}: {err}");
    }
}

#[test]
fn without_secrets_key_a_private_key_file_is_made_once_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_dir = data.to_str().unwrap();
    let loaded = load_in(dir.path(), &[("SWITCHBOARD_DATA_DIR", data_dir)]).unwrap();
    assert!(loaded.config.secrets.key.is_none());

    let first = secrets_key(&loaded.config).unwrap();
    let file = data.join(SECRETS_KEY_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let sealed = first.encrypt("whsec_kept", b"row");
    let again = secrets_key(&loaded.config).unwrap();
    assert_eq!(again.decrypt(&sealed, b"row").unwrap(), "whsec_kept");
    let files: Vec<_> = std::fs::read_dir(&data).unwrap().collect();
    assert_eq!(files.len(), 1, "no stray files: {files:?}");

    std::fs::write(&file, "not a key\n").unwrap();
    let err = secrets_key(&loaded.config)
        .expect_err("a damaged key file stops start-up")
        .to_string();
    assert!(
        err.contains("secret.key") && err.contains("secrets.key"),
        "{err}"
    );
}

#[test]
fn a_configured_secrets_key_wins_is_checked_and_stays_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = switchboard_store::SecretsKey::generate().to_base64();
    let loaded = load_in(
        dir.path(),
        &[
            ("SWITCHBOARD_DATA_DIR", data.to_str().unwrap()),
            ("SWITCHBOARD_SECRETS__KEY", &key),
        ],
    )
    .unwrap();
    let sealed = secrets_key(&loaded.config)
        .unwrap()
        .encrypt("whsec_1", b"row");
    let from_text = switchboard_store::SecretsKey::from_base64(&key).unwrap();
    assert_eq!(from_text.decrypt(&sealed, b"row").unwrap(), "whsec_1");
    assert!(
        !data.exists(),
        "no key file is written when the key is configured"
    );
    let report = render_report(&loaded);
    assert!(report.contains("secrets.key"), "{report}");
    assert!(!report.contains(&key), "{report}");
    assert!(!format!("{:?}", loaded.config).contains(&key));

    let short = "c2hvcnQta2V5LXNlY3JldA==";
    let err = load_in(dir.path(), &[("SWITCHBOARD_SECRETS__KEY", short)])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`secrets.key`") && err.contains("base64"),
        "{err}"
    );
    assert!(!err.contains(short), "{err}");
}

#[test]
fn carriers_need_their_credentials_and_their_secrets_stay_hidden() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("switchboard.toml"),
        "public_url = \"https://sb.example\"\n[carriers.tw]\nkind = \"twilio\"\n\
         account_sid = \"AC0123456789abcdef0123456789abcdef\"\n",
    )
    .unwrap();
    let err = load_in(dir.path(), &[]).unwrap_err().to_string();
    assert!(err.contains("`carriers.tw.auth_token`"), "{err}");

    std::fs::write(
        dir.path().join("switchboard.toml"),
        "[carriers.tw]\nkind = \"twilio\"\naccount_sid = \"AC0123456789abcdef0123456789abcdef\"\n\
         auth_token = \"tw-secret-987\"\n",
    )
    .unwrap();
    let err = load_in(dir.path(), &[]).unwrap_err().to_string();
    assert!(
        err.contains("`public_url`"),
        "a real carrier needs the public URL: {err}"
    );

    let loaded = load_in(
        dir.path(),
        &[
            ("SWITCHBOARD_PUBLIC_URL", "https://sb.example"),
            ("SWITCHBOARD_TELEPHONY__ALLOWED_DESTINATIONS", "+1,+44"),
        ],
    )
    .unwrap();
    assert_eq!(loaded.config.telephony.allowed_destinations, ["+1", "+44"]);
    let report = render_report(&loaded);
    assert!(report.contains("carriers.tw.auth_token"), "{report}");
    assert!(!report.contains("tw-secret-987"), "{report}");

    let err = load_in(
        dir.path(),
        &[
            ("SWITCHBOARD_PUBLIC_URL", "https://sb.example"),
            ("SWITCHBOARD_TELEPHONY__ALLOWED_DESTINATIONS", "1"),
        ],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("`telephony.allowed_destinations`") && err.contains("E.164"),
        "{err}"
    );

    // The simulator needs nothing, not even a public URL.
    std::fs::write(
        dir.path().join("switchboard.toml"),
        "[carriers.sim]\nkind = \"simulator\"\n",
    )
    .unwrap();
    assert!(load_in(dir.path(), &[]).is_ok());
}
