//! The key secrets at rest are encrypted with: `secrets.key` when set, otherwise one generated
//! into the data folder on first start and read back on every later one, so a server with no
//! configuration keeps working.

use std::io::Write;
use std::path::Path;

use switchboard_store::SecretsKey;

use super::{Config, ConfigError};

/// The generated key's file name inside `data_dir`.
pub const SECRETS_KEY_FILE: &str = "secret.key";

/// The configured key, or the one in `<data_dir>/secret.key`, made there if missing.
pub fn secrets_key(config: &Config) -> Result<SecretsKey, ConfigError> {
    if let Some(key) = &config.secrets.key {
        // Checked when the configuration was loaded.
        return SecretsKey::from_base64(key.expose())
            .ok_or_else(|| ConfigError::Other("`secrets.key` is not a base64 32-byte key".into()));
    }
    let path = config.data_dir.join(SECRETS_KEY_FILE);
    if let Some(key) = read_key_file(&path)? {
        return Ok(key);
    }
    let key = SecretsKey::generate();
    if write_new_key_file(&path, &key)? {
        tracing::info!(
            path = %path.display(),
            "generated the key that encrypts tenants' secrets; back this file up with the \
             database (without it stored tool secrets cannot be read), or set `secrets.key`"
        );
        return Ok(key);
    }
    // Another process starting on the same folder wrote its key first; use that one.
    read_key_file(&path)?
        .ok_or_else(|| ConfigError::Other(format!("{} vanished while starting", path.display())))
}

fn read_key_file(path: &Path) -> Result<Option<SecretsKey>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => SecretsKey::from_base64(&text).map(Some).ok_or_else(|| {
            ConfigError::Other(format!(
                "{} does not hold a base64 32-byte key; restore the file Switchboard wrote \
                 (stored secrets need it) or set `secrets.key`",
                path.display()
            ))
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(ConfigError::Other(format!(
            "cannot read {}: {err}",
            path.display()
        ))),
    }
}

/// Writes the key readable by this user only. The file appears complete or not at all: it is
/// written aside and linked into place, which fails rather than replace a key that is already
/// there. False when one was.
fn write_new_key_file(path: &Path, key: &SecretsKey) -> Result<bool, ConfigError> {
    let cannot =
        |err: std::io::Error| ConfigError::Other(format!("cannot write {}: {err}", path.display()));
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(cannot)?;
    let aside = folder.join(format!(
        ".{SECRETS_KEY_FILE}.{}",
        ulid::Ulid::new().to_string().to_lowercase()
    ));
    let written = write_private(&aside, key).and_then(|()| std::fs::hard_link(&aside, path));
    std::fs::remove_file(&aside).ok();
    match written {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(err) => Err(cannot(err)),
    }
}

fn write_private(path: &Path, key: &SecretsKey) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(format!("{}\n", key.to_base64()).as_bytes())?;
    file.sync_all()
}
