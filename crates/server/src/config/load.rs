use std::path::{Path, PathBuf};

use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::Serialize;

use super::Config;

const ENV_PREFIX: &str = "SWITCHBOARD_";
/// Environment variables that steer loading itself, or belong to tools, not to `Config`.
const NOT_CONFIG: &[&str] = &["CONFIG", "TEST_POSTGRES_URL"];
const DEFAULT_FILE: &str = "switchboard.toml";

/// Values given on the command line; they win over every other layer.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Overrides {
    #[serde(skip)]
    pub config_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

/// The merged configuration and the layers it came from.
#[derive(Debug)]
pub struct LoadedConfig {
    pub config: Config,
    figment: Figment,
    pub file: Option<PathBuf>,
}

impl LoadedConfig {
    /// Where the value of a dotted key (`auth.session_ttl_hours`) came from.
    pub fn source_of(&self, key: &str) -> String {
        describe_source(self.figment.find_metadata(key), key)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: `{key}` from {origin}: {problem}")]
    BadValue {
        key: String,
        origin: String,
        problem: String,
    },
    #[error("configuration: {0}")]
    Other(String),
}

/// Loads every layer from the real environment and the current folder.
pub fn load(overrides: &Overrides) -> Result<LoadedConfig, ConfigError> {
    load_from(overrides, std::env::vars().collect(), Path::new("."))
}

/// Loads with an explicit environment and working folder (what tests use).
pub fn load_from(
    overrides: &Overrides,
    env: Vec<(String, String)>,
    cwd: &Path,
) -> Result<LoadedConfig, ConfigError> {
    let file = config_file(overrides, &env, cwd)?;
    let dotenv = read_dotenv(&cwd.join(".env"))?;
    refuse_value_and_file(&env)?;
    refuse_value_and_file(&dotenv)?;

    let mut figment = Figment::from(Named("default", Serialized::defaults(Config::default())));
    if let Some(path) = &file {
        figment = figment.merge(Toml::file_exact(path));
    }
    figment = figment
        .merge(EnvLayer::plain(".env file", dotenv.clone()))
        .merge(EnvLayer::secret_files(".env file", dotenv)?)
        .merge(EnvLayer::plain("environment variable", env.clone()))
        .merge(EnvLayer::secret_files("environment variable", env)?)
        .merge(Named(
            "command-line flag",
            Serialized::defaults(overrides.clone()),
        ));

    // Environment values are all text; lossy extraction reads "30" as a number or "false" as a
    // bool where the setting wants one, and leaves text alone where it wants text.
    let config: Config = figment
        .extract_lossy()
        .map_err(|err| explain(&figment, err))?;
    config
        .validate()
        .map_err(|(key, expected)| ConfigError::BadValue {
            origin: describe_source(figment.find_metadata(&key), &key),
            key,
            problem: format!("expected {expected}"),
        })?;
    Ok(LoadedConfig {
        config,
        figment,
        file,
    })
}

fn config_file(
    overrides: &Overrides,
    env: &[(String, String)],
    cwd: &Path,
) -> Result<Option<PathBuf>, ConfigError> {
    let named = overrides.config_file.clone().or_else(|| {
        env.iter()
            .find(|(k, _)| k == "SWITCHBOARD_CONFIG")
            .map(|(_, v)| PathBuf::from(v))
    });
    match named {
        Some(path) if path.is_file() => Ok(Some(path)),
        Some(path) => Err(ConfigError::Other(format!(
            "the configuration file {} does not exist",
            path.display()
        ))),
        None => Ok(Some(cwd.join(DEFAULT_FILE)).filter(|p| p.is_file())),
    }
}

/// `SWITCHBOARD_X` and `SWITCHBOARD_X_FILE` together is ambiguous; say so rather than pick one.
fn refuse_value_and_file(vars: &[(String, String)]) -> Result<(), ConfigError> {
    for (name, _) in vars {
        if let Some(plain) = name.strip_suffix("_FILE")
            && config_key(plain).is_some()
            && vars.iter().any(|(other, _)| other == plain)
        {
            return Err(ConfigError::Other(format!(
                "set either {plain} or {name}, not both"
            )));
        }
    }
    Ok(())
}

fn read_dotenv(path: &Path) -> Result<Vec<(String, String)>, ConfigError> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    dotenvy::from_path_iter(path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|e| {
            // dotenvy's message quotes the offending line, which may hold a secret.
            let what = match e {
                dotenvy::Error::LineParse(_, index) => {
                    format!("a line does not parse (at character {index})")
                }
                dotenvy::Error::Io(io) => io.to_string(),
                _ => "it does not parse".to_owned(),
            };
            ConfigError::Other(format!("cannot read {}: {what}", path.display()))
        })
}

/// `SWITCHBOARD_*` variables from one place (the process environment or `.env`) as a figment
/// layer. The plain layer takes `SWITCHBOARD_AUTH__ALLOW_SIGNUP=false`; the secret-file layer
/// takes `SWITCHBOARD_DATABASE_URL_FILE=/run/secrets/db` and reads the file.
struct EnvLayer {
    metadata: Metadata,
    values: Dict,
}

impl EnvLayer {
    fn plain(place: &'static str, vars: Vec<(String, String)>) -> Self {
        let mut values = Dict::new();
        for (name, value) in vars {
            if let Some(key) = config_key(&name).filter(|k| !k.ends_with("_file")) {
                insert_nested(&mut values, &key, Value::from(value));
            }
        }
        let metadata = Metadata::named(place).interpolater(|_, keys| env_name(keys));
        Self { metadata, values }
    }

    fn secret_files(place: &'static str, vars: Vec<(String, String)>) -> Result<Self, ConfigError> {
        let mut values = Dict::new();
        for (name, path) in vars {
            let Some(key) = config_key(&name) else {
                continue;
            };
            let Some(key) = key.strip_suffix("_file") else {
                continue;
            };
            let contents = std::fs::read_to_string(&path).map_err(|e| {
                ConfigError::Other(format!("{name} names {path}, which cannot be read: {e}"))
            })?;
            // Files written by editors and secret managers often end in a newline.
            let secret = contents.strip_suffix('\n').unwrap_or(&contents);
            let secret = secret.strip_suffix('\r').unwrap_or(secret);
            insert_nested(&mut values, key, Value::from(secret.to_owned()));
        }
        let label = if place == ".env file" {
            "file named in .env"
        } else {
            "file named by environment variable"
        };
        let metadata =
            Metadata::named(label).interpolater(|_, keys| format!("{}_FILE", env_name(keys)));
        Ok(Self { metadata, values })
    }
}

impl Provider for EnvLayer {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

/// `SWITCHBOARD_AUTH__ALLOW_SIGNUP` -> `auth.allow_signup`; `None` for other variables.
fn config_key(name: &str) -> Option<String> {
    let rest = name.strip_prefix(ENV_PREFIX)?;
    if rest.is_empty() || NOT_CONFIG.contains(&rest) {
        return None;
    }
    Some(rest.to_lowercase().replace("__", "."))
}

fn env_name(keys: &[&str]) -> String {
    format!("{ENV_PREFIX}{}", keys.join("__").to_uppercase())
}

fn insert_nested(dict: &mut Dict, dotted: &str, value: Value) {
    match dotted.split_once('.') {
        None => {
            dict.insert(dotted.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = dict
                .entry(head.to_owned())
                .or_insert_with(|| Value::from(Dict::new()));
            if let Value::Dict(_, inner) = entry {
                insert_nested(inner, rest, value);
            }
        }
    }
}

fn describe_source(metadata: Option<&Metadata>, key: &str) -> String {
    let Some(metadata) = metadata else {
        return "default".into();
    };
    let keys: Vec<String> = key.split('.').map(str::to_owned).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let name = metadata.name.as_ref();
    match &metadata.source {
        Some(figment::Source::File(path)) => format!("file {}", path.display()),
        _ if name == "default" || name == "command-line flag" => name.to_owned(),
        _ => format!(
            "{} {}",
            name,
            metadata.interpolate(&Profile::Default, &keys)
        ),
    }
}

/// A provider under a name of our choosing, so reports say "default" rather than a type name.
struct Named<P>(&'static str, P);

impl<P: Provider> Provider for Named<P> {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.0)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        self.1.data()
    }
}

/// Turns figment's error into one that names the key, where its value came from, and what
/// was expected.
fn explain(figment: &Figment, err: figment::Error) -> ConfigError {
    let key = err.path.join(".");
    let origin = match &err.metadata {
        Some(metadata) => describe_source(Some(metadata), &key),
        None => describe_source(figment.find_metadata(&key), &key),
    };
    let problem = match &err.kind {
        figment::error::Kind::UnknownField(field, _) => {
            return ConfigError::BadValue {
                key: if key.is_empty() {
                    field.clone()
                } else {
                    format!("{key}.{field}")
                },
                origin,
                problem: "no such setting (see docs/configuration.md)".into(),
            };
        }
        // figment quotes the value it could not use; a secret's value must not reach the terminal.
        _ if super::is_secret_key(&key) => "expected a string".to_owned(),
        kind => kind.to_string(),
    };
    ConfigError::BadValue {
        key,
        origin,
        problem,
    }
}
