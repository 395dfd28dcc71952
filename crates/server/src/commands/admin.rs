//! `switchboard admin ...`: direct database administration for operators.

use std::io::BufRead;

use anyhow::{Context, bail};
use switchboard_core::validation::required_text;
use switchboard_core::{Email, Role, Scope, Scopes};
use switchboard_store::{NewApiKey, PageRequest, Store, StoreError};

use crate::auth::{password, token};
use crate::cli::{AdminCommand, ApiKeyCommand, TenantCommand, UserCommand};
use crate::config::Config;

pub async fn run(config: &Config, command: AdminCommand) -> anyhow::Result<()> {
    let store = Store::open(&config.effective_database_url()).await?;
    let result = match command {
        AdminCommand::Tenant(TenantCommand::Create { name }) => {
            let tenant = store
                .create_tenant(&required_text("name", &name, 200)?)
                .await?;
            println!("{}", tenant.id);
            Ok(())
        }
        AdminCommand::Tenant(TenantCommand::List) => list_tenants(&store).await,
        AdminCommand::User(UserCommand::Create {
            tenant,
            email,
            name,
            role,
            operator,
            password_stdin,
        }) => {
            create_user(
                &store,
                &tenant,
                &email,
                &name,
                &role,
                operator,
                password_stdin,
            )
            .await
        }
        AdminCommand::ApiKey(ApiKeyCommand::Create {
            email,
            name,
            scopes,
        }) => create_api_key(&store, &email, &name, &scopes).await,
        AdminCommand::ApiKey(ApiKeyCommand::Revoke { id, tenant }) => {
            store
                .revoke_api_key(&tenant, &id)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => anyhow::anyhow!("no API key {id} in tenant {tenant}"),
                    other => other.into(),
                })?;
            println!("revoked {id}");
            Ok(())
        }
    };
    store.close().await;
    result
}

async fn list_tenants(store: &Store) -> anyhow::Result<()> {
    let mut page = PageRequest::first(100);
    loop {
        let tenants = store.list_tenants(&page).await?;
        for tenant in &tenants.items {
            println!("{}\t{}", tenant.id, tenant.name);
        }
        match tenants.next_cursor {
            Some(cursor) => page.after = switchboard_store::Cursor::decode(&cursor),
            None => return Ok(()),
        }
    }
}

async fn create_user(
    store: &Store,
    tenant: &str,
    email: &str,
    name: &str,
    role: &str,
    operator: bool,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let email = Email::parse("--email", email)?;
    let name = required_text("--name", name, 200)?;
    let role = Role::parse(role)
        .with_context(|| format!("--role must be owner, admin or member, not {role:?}"))?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        (line.trim_end_matches(['\n', '\r']).to_owned(), false)
    } else {
        (token::new_session_token().replacen("sbs_", "", 1), true)
    };
    password::check_policy("password", &password)?;
    let hash = password::hash(password.clone()).await?;
    let new = switchboard_store::NewUser {
        email: email.as_str(),
        name: &name,
        password_hash: &hash,
        role,
        is_operator: operator,
    };
    let user = store.create_user(tenant, new).await.map_err(|e| match e {
        StoreError::NotFound => {
            anyhow::anyhow!("no tenant {tenant}; list them with `switchboard admin tenant list`")
        }
        e if e.is_duplicate_email() => {
            anyhow::anyhow!("a user with the email {} already exists", email.as_str())
        }
        other => other.into(),
    })?;
    println!("{}", user.id);
    if generated {
        eprintln!("password (shown once): {password}");
    }
    Ok(())
}

async fn create_api_key(
    store: &Store,
    email: &str,
    name: &str,
    scopes: &str,
) -> anyhow::Result<()> {
    let email = Email::parse("--email", email)?;
    let list = scopes
        .split(',')
        .map(|s| {
            Scope::parse(s)
                .with_context(|| format!("--scopes: unknown scope {s:?}; use read, write"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let scopes = Scopes::from_list(&list);
    if scopes.is_empty() {
        bail!("--scopes: list at least one of read, write");
    }
    let user = store
        .user_by_email(email.as_str())
        .await
        .map_err(|e| match e {
            StoreError::NotFound => anyhow::anyhow!("no user with the email {}", email.as_str()),
            other => other.into(),
        })?;
    let key = token::new_api_key();
    let record = NewApiKey {
        name,
        prefix: token::display_prefix(&key),
        key_hash: &token::hash(&key),
        scopes,
    };
    let stored = store.create_api_key(&user, record).await?;
    eprintln!(
        "API key {} for {} (shown once; store it now):",
        stored.id,
        email.as_str()
    );
    println!("{key}");
    Ok(())
}
