use std::fmt::Write;

use super::{LoadedConfig, redact};

/// The effective configuration, one key per line with its (redacted) value and its source.
pub fn render_report(loaded: &LoadedConfig) -> String {
    let value = serde_json::to_value(&loaded.config).expect("the configuration serialises");
    let mut rows = Vec::new();
    flatten("", &value, &mut rows);

    let mut out = String::new();
    match &loaded.file {
        Some(path) => writeln!(out, "Configuration file: {}", path.display()),
        None => writeln!(out, "Configuration file: none (switchboard.toml not found)"),
    }
    .ok();
    writeln!(out, "Effective configuration (secrets redacted):").ok();
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in rows {
        let (shown, source) = if key == "database_url" && value == "null" {
            (
                loaded.config.effective_database_url(),
                "default (SQLite in data_dir)".to_owned(),
            )
        } else {
            (redact(&key, &value), loaded.source_of(&key))
        };
        writeln!(out, "  {key:<width$}  {shown}    [{source}]").ok();
    }
    out
}

fn flatten(prefix: &str, value: &serde_json::Value, rows: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, rows);
            }
        }
        serde_json::Value::String(s) => rows.push((prefix.to_owned(), s.clone())),
        other => rows.push((prefix.to_owned(), other.to_string())),
    }
}
