use std::io::Write;
use std::sync::{Arc, Mutex};

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use switchboard::Server;
use switchboard::config::Config;
use switchboard::http::AppState;
use switchboard_core::Role;
use switchboard_store::{NewUser, Store};
use switchboard_testkit::TestDatabase;
use tokio::sync::oneshot;
use tracing_subscriber::fmt::MakeWriter;

pub const PASSWORD: &str = "p@ss!wörd \"q\" \\ ;";

/// A running server and a client for it. Dropping it stops the server.
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub store: Store,
    pub state: AppState,
    /// The server's `data_dir`, where it keeps the generated secrets key.
    pub data_dir: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
    _db: TestDatabase,
}

/// A signed-up account: its session token and ids.
pub struct Account {
    pub token: String,
    pub user_id: String,
    pub tenant_id: String,
}

pub async fn spawn_app(db: TestDatabase) -> TestApp {
    spawn_app_with(db, |_| {}).await
}

pub async fn spawn_app_with(db: TestDatabase, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.path().to_owned(),
        database_url: Some(db.url.as_str().into()),
        ..Config::default()
    };
    config.http.shutdown_grace_seconds = 1;
    adjust(&mut config);
    let server = Server::build(config).await.expect("the server starts");
    let base = format!("http://{}", server.local_addr());
    let state = server.state().clone();
    let store = state.store.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run_until(async move {
        stopped.await.ok();
    }));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        http,
        store,
        state,
        data_dir,
        _stop: stop,
        _db: db,
    }
}

impl TestApp {
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
            .send()
            .await
            .expect("the request reaches the server")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    pub async fn signup(&self, email: &str, tenant_name: &str) -> Account {
        let body = json!({ "email": email, "password": PASSWORD, "name": "Ada", "tenant_name": tenant_name });
        let response = self
            .request(Method::POST, "/v1/auth/signup", None, Some(body))
            .await;
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        Account {
            token: body["token"].as_str().unwrap().to_owned(),
            user_id: body["user"]["id"].as_str().unwrap().to_owned(),
            tenant_id: body["tenant"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// Adds a member with `role` to the account's tenant and signs them in.
    pub async fn add_member(&self, owner: &Account, email: &str, role: Role) -> Account {
        let body = json!({ "email": email, "name": "Member", "password": PASSWORD, "role": role.as_str() });
        let (status, body) = read(self.post("/v1/tenant/members", &owner.token, body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let mut account = self.login(email).await;
        account.user_id = body["id"].as_str().unwrap().to_owned();
        account
    }

    pub async fn login(&self, email: &str) -> Account {
        let body = json!({ "email": email, "password": PASSWORD });
        let (status, body) = read(
            self.request(Method::POST, "/v1/auth/login", None, Some(body))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        Account {
            token: body["token"].as_str().unwrap().to_owned(),
            user_id: body["user"]["id"].as_str().unwrap().to_owned(),
            tenant_id: body["tenant"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// Creates an API key with the given scopes; returns (id, key).
    pub async fn api_key(&self, account: &Account, scopes: &[&str]) -> (String, String) {
        let body = json!({ "name": "test", "scopes": scopes });
        let (status, body) = read(self.post("/v1/api-keys", &account.token, body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            body["api_key"]["id"].as_str().unwrap().to_owned(),
            body["key"].as_str().unwrap().to_owned(),
        )
    }

    /// An operator account, made the way `switchboard admin user create --operator` does.
    pub async fn operator(&self) -> Account {
        let tenant = self.store.create_tenant("Operators").await.unwrap();
        let hash = switchboard::auth::password::hash(PASSWORD.to_owned())
            .await
            .unwrap();
        let user = NewUser {
            email: "op@platform.test",
            name: "Op",
            password_hash: &hash,
            role: Role::Owner,
            is_operator: true,
        };
        self.store.create_user(&tenant.id, user).await.unwrap();
        self.login("op@platform.test").await
    }
}

/// The status and the JSON body (or `null` when there is none).
pub async fn read(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Asserts the standard error shape and returns the body.
pub async fn expect_error(response: Response, status: StatusCode, code: &str) -> Value {
    let (got, body) = read(response).await;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}

/// Everything logged, at every level, by this thread (the test's single-threaded runtime, so
/// the server's tasks too) while it lives.
pub struct LogCapture {
    captured: Captured,
    _guard: tracing::subscriber::DefaultGuard,
    _second: tracing::Dispatch,
}

impl LogCapture {
    pub fn start() -> Self {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(captured.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // tracing decides once per log site whether it is enabled, when the site is first
        // reached. With a single subscriber registered it asks only the subscriber of the
        // thread that gets there first, which may be another test's thread with none, and the
        // site stays silent here. With two registered it asks every live one, this one included.
        let second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
        LogCapture {
            captured,
            _guard: guard,
            _second: second,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.captured.0.lock().unwrap().clone()).unwrap()
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
