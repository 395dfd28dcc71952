//! The tenant's HTTP tools for one call: the definitions an agent enables, decrypted once
//! when the call starts, run by the server's [`HttpToolRunner`].

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use switchboard_core::agent::BUILT_IN_TOOLS;
use switchboard_providers::llm::{ToolCall, ToolSpec};
use switchboard_store::{SecretsKey, Store, StoreError, Tool};
use switchboard_voice::conversation::ToolRunner;
use switchboard_voice::tools::{HttpToolDefinition, HttpToolRunner, ToolError, ToolSecret};
use tokio_util::sync::CancellationToken;
use url::Url;

/// The HTTP tools one call may use.
#[derive(Debug, Clone)]
pub struct TenantTools {
    definitions: Arc<[HttpToolDefinition]>,
    runner: HttpToolRunner,
}

impl TenantTools {
    /// The tenant's tools named in `names` (an agent's `tools`; the built-ins among them are
    /// not HTTP tools and are passed over). A name the tenant has no tool by is left out with
    /// a warning: the call goes on without it. A secret that does not decrypt (another
    /// `secrets.key`) fails the load.
    pub async fn load(
        store: &Store,
        key: &SecretsKey,
        tenant_id: &str,
        names: &[String],
        runner: HttpToolRunner,
    ) -> Result<TenantTools, StoreError> {
        let wanted: Vec<String> = names
            .iter()
            .filter(|name| !BUILT_IN_TOOLS.contains(&name.as_str()))
            .cloned()
            .collect();
        let tools = store.get_tools_by_names(tenant_id, &wanted).await?;
        for name in &wanted {
            if !tools.iter().any(|tool| &tool.name == name) {
                tracing::warn!(
                    tenant_id,
                    tool = %name,
                    "the agent lists a tool the tenant does not have; the call goes on without it"
                );
            }
        }
        let definitions = tools
            .iter()
            .map(|tool| definition(tool, key))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TenantTools {
            definitions: definitions.into(),
            runner,
        })
    }

    /// The tools as offered to the LLM.
    pub fn specs(&self) -> Vec<ToolSpec> {
        self.definitions
            .iter()
            .map(HttpToolDefinition::to_spec)
            .collect()
    }
}

fn definition(tool: &Tool, key: &SecretsKey) -> Result<HttpToolDefinition, StoreError> {
    let url = Url::parse(&tool.url)
        .map_err(|e| StoreError::Encoding(format!("the URL of tool {}: {e}", tool.id)))?;
    Ok(HttpToolDefinition {
        timeout: Duration::from_millis(u64::try_from(tool.timeout_ms).unwrap_or_default()),
        ..HttpToolDefinition::new(
            tool.name.clone(),
            tool.description.clone(),
            tool.parameters.clone(),
            url,
            ToolSecret::new(tool.secret(key)?),
        )
    })
}

impl ToolRunner for TenantTools {
    fn run(
        &self,
        call_id: &str,
        call: &ToolCall,
        cancel: CancellationToken,
    ) -> BoxFuture<'static, Result<String, String>> {
        let Some(definition) = self.definitions.iter().find(|d| d.name == call.name) else {
            let answer = Err(format!("There is no tool named {}.", call.name));
            return std::future::ready(answer).boxed();
        };
        let arguments = match call.arguments_json() {
            Ok(arguments) if arguments.is_object() => arguments,
            _ => {
                let answer = Err(format!(
                    "The arguments for {} must be a JSON object; try again.",
                    call.name
                ));
                return std::future::ready(answer).boxed();
            }
        };
        let definition = definition.clone();
        let runner = self.runner.clone();
        let call_id = call_id.to_owned();
        let tool_call_id = call.id.clone();
        async move {
            match runner
                .call(&definition, &call_id, &tool_call_id, arguments, cancel)
                .await
            {
                Ok(output) => Ok(output.content),
                Err(err) => {
                    tracing::warn!(call_id, tool = %definition.name, error = %err, "a tool call failed");
                    Err(for_the_model(&definition.name, &err))
                }
            }
        }
        .boxed()
    }
}

/// What the model is told about a failure: short, and nothing about the secret or where the
/// tool lives.
fn for_the_model(name: &str, err: &ToolError) -> String {
    match err {
        ToolError::Invalid(_) | ToolError::Forbidden(_) => {
            format!("The tool {name} is not set up correctly and cannot be used.")
        }
        ToolError::Timeout(limit) => format!(
            "The tool {name} did not answer within {} seconds.",
            limit.as_secs_f32()
        ),
        ToolError::Cancelled => format!("The call to {name} was cancelled."),
        ToolError::Status { status, excerpt } if excerpt.is_empty() => {
            format!("The tool {name} failed (HTTP {status}).")
        }
        ToolError::Status { status, excerpt } => {
            format!("The tool {name} failed (HTTP {status}): {excerpt}")
        }
        ToolError::Unreachable(_) => format!("The tool {name} could not be reached."),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use axum::Router;
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use serde_json::{Value, json};
    use switchboard_core::Role;
    use switchboard_store::{NewTool, NewUser};
    use switchboard_testkit::TestDatabase;
    use switchboard_voice::tools::{NetworkPolicy, verify_signature};

    use super::*;

    const SECRET: &str = "whsec_tenant_tools_secret";

    /// What the endpoint received: the signature headers and the raw body.
    type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

    /// A tool endpoint on 127.0.0.1: `/book` answers, `/broken` fails with a 503.
    async fn endpoint() -> (String, Received) {
        let received = Received::default();
        let seen = received.clone();
        let app = Router::new()
            .route(
                "/book",
                post(move |headers: HeaderMap, body: Bytes| async move {
                    seen.lock().unwrap().push((headers, body));
                    r#"{"booked":true}"#
                }),
            )
            .route(
                "/broken",
                post(|| async { (StatusCode::SERVICE_UNAVAILABLE, "calendar down") }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (base, received)
    }

    async fn tenant_with_tools(store: &Store, key: &SecretsKey, base: &str) -> String {
        let owner = NewUser {
            email: "ada@a.test",
            name: "Ada",
            password_hash: "$argon2id$fake",
            role: Role::Owner,
            is_operator: false,
        };
        let (tenant, _) = store.create_tenant_with_owner("A", owner).await.unwrap();
        let parameters = json!({"type": "object", "properties": {"day": {"type": "string"}}});
        for (name, path) in [("book_slot", "/book"), ("flaky", "/broken")] {
            let url = format!("{base}{path}");
            let tool = NewTool {
                name,
                description: "Books a slot.",
                parameters: &parameters,
                url: &url,
                secret: SECRET,
                timeout_ms: 5_000,
            };
            store.create_tool(&tenant.id, tool, key).await.unwrap();
        }
        tenant.id
    }

    fn open_runner() -> HttpToolRunner {
        HttpToolRunner::new(NetworkPolicy {
            allow_private: true,
        })
    }

    fn tool_call(name: &str, arguments: &str) -> ToolCall {
        ToolCall {
            id: "tc_1".into(),
            name: name.into(),
            arguments: arguments.into(),
        }
    }

    async fn a_stored_tool_is_called_with_a_valid_signature(db: TestDatabase) {
        let store = Store::open(&db.url).await.unwrap();
        let key = SecretsKey::generate();
        let (base, received) = endpoint().await;
        let tenant_id = tenant_with_tools(&store, &key, &base).await;
        let names = ["end_call", "book_slot", "missing"].map(str::to_owned);
        let tools = TenantTools::load(&store, &key, &tenant_id, &names, open_runner())
            .await
            .unwrap();
        let specs = tools.specs();
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].name, "book_slot");
        assert_eq!(specs[0].description, "Books a slot.");

        let answer = tools
            .run(
                "call_1",
                &tool_call("book_slot", r#"{"day":"monday"}"#),
                CancellationToken::new(),
            )
            .await;
        assert_eq!(answer, Ok(r#"{"booked":true}"#.to_owned()));

        let (headers, body) = received
            .lock()
            .unwrap()
            .pop()
            .expect("the endpoint was hit");
        let header = |name: &str| headers[name].to_str().unwrap().to_owned();
        let timestamp = header("x-switchboard-timestamp");
        let signature = header("x-switchboard-signature");
        assert!(verify_signature(SECRET, &timestamp, &body, &signature));
        assert!(!verify_signature(
            "another secret",
            &timestamp,
            &body,
            &signature
        ));
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["call_id"], "call_1");
        assert_eq!(body["tool_call_id"], "tc_1");
        assert_eq!(body["arguments"], json!({"day": "monday"}));
    }

    async fn failures_reach_the_model_as_short_text_without_secrets(db: TestDatabase) {
        let store = Store::open(&db.url).await.unwrap();
        let key = SecretsKey::generate();
        let (base, received) = endpoint().await;
        let tenant_id = tenant_with_tools(&store, &key, &base).await;
        let names = ["book_slot", "flaky"].map(str::to_owned);
        let tools = TenantTools::load(&store, &key, &tenant_id, &names, open_runner())
            .await
            .unwrap();
        let run = |name: &str, arguments: &str| {
            tools.run(
                "call_1",
                &tool_call(name, arguments),
                CancellationToken::new(),
            )
        };
        let failures = [
            (run("flaky", "{}").await, "HTTP 503): calendar down"),
            (run("nope", "{}").await, "no tool named nope"),
            (run("book_slot", "not json").await, "must be a JSON object"),
            (run("book_slot", "[1]").await, "must be a JSON object"),
        ];
        for (answer, expected) in failures {
            let text = answer.unwrap_err();
            assert!(text.contains(expected), "{text}");
            assert!(!text.contains(SECRET) && !text.contains(&base), "{text}");
        }
        assert!(received.lock().unwrap().is_empty(), "bad calls never left");

        let cancel = CancellationToken::new();
        cancel.cancel();
        let cancelled = tools
            .run("call_1", &tool_call("book_slot", "{}"), cancel)
            .await;
        assert_eq!(
            cancelled,
            Err("The call to book_slot was cancelled.".to_owned())
        );

        // A strict server refuses the loopback URL at call time as well.
        let strict = TenantTools::load(
            &store,
            &key,
            &tenant_id,
            &names,
            HttpToolRunner::new(NetworkPolicy::default()),
        )
        .await
        .unwrap();
        let refused = strict
            .run(
                "call_1",
                &tool_call("book_slot", "{}"),
                CancellationToken::new(),
            )
            .await
            .unwrap_err();
        assert!(refused.contains("not set up correctly"), "{refused}");
    }

    async fn another_key_cannot_load_the_tools(db: TestDatabase) {
        let store = Store::open(&db.url).await.unwrap();
        let key = SecretsKey::generate();
        let tenant_id = tenant_with_tools(&store, &key, "http://127.0.0.1:9").await;
        let names = ["book_slot".to_owned()];
        let err = TenantTools::load(
            &store,
            &SecretsKey::generate(),
            &tenant_id,
            &names,
            open_runner(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::Undecryptable), "{err:?}");
        // Another tenant's tools are not found by name.
        let (other, _) = store
            .create_tenant_with_owner(
                "B",
                NewUser {
                    email: "bob@b.test",
                    name: "Bob",
                    password_hash: "$argon2id$fake",
                    role: Role::Owner,
                    is_operator: false,
                },
            )
            .await
            .unwrap();
        let none = TenantTools::load(&store, &key, &other.id, &names, open_runner())
            .await
            .unwrap();
        assert!(none.specs().is_empty());
    }

    switchboard_testkit::on_each_database!(
        a_stored_tool_is_called_with_a_valid_signature,
        failures_reach_the_model_as_short_text_without_secrets,
        another_key_cannot_load_the_tools,
    );
}
