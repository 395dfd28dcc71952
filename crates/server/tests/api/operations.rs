use reqwest::{Method, StatusCode};
use switchboard_testkit::TestDatabase;

use crate::helpers::{read, spawn_app};

async fn health_readiness_and_metrics(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (status, body) = read(app.request(Method::GET, "/healthz", None, None).await).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (status, body) = read(app.request(Method::GET, "/readyz", None, None).await).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ready"))
    );

    app.request(Method::GET, "/v1/me", None, None).await;
    let metrics = app
        .request(Method::GET, "/metrics", None, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            r#"switchboard_http_requests_total{method="GET",route="/v1/me",status="401"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("switchboard_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
}

async fn readiness_fails_when_the_database_is_gone(db: TestDatabase) {
    let app = spawn_app(db).await;
    app.store.close().await;
    let (status, body) = read(app.request(Method::GET, "/readyz", None, None).await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "not_ready");
}

async fn request_ids_are_generated_or_echoed(db: TestDatabase) {
    let app = spawn_app(db).await;
    let response = app.request(Method::GET, "/healthz", None, None).await;
    let generated = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(generated.starts_with("req_"), "{generated}");
    let response = app
        .http
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers().get("x-request-id").unwrap(),
        "trace-me-42"
    );
}

async fn the_openapi_document_and_docs_page_are_served(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (status, spec) = read(
        app.request(Method::GET, "/v1/openapi.json", None, None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        spec["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        spec["openapi"]
    );
    for path in [
        "/v1/auth/signup",
        "/v1/auth/login",
        "/v1/me",
        "/v1/tenant/members/{id}",
        "/v1/api-keys",
        "/v1/tools",
        "/v1/tools/{id}",
        "/v1/admin/tenants",
        "/v1/calls",
        "/v1/calls/{id}",
        "/v1/calls/{id}/transcript",
        "/v1/calls/{id}/events",
        "/v1/calls/{id}/costs",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "{path} is not documented"
        );
    }
    let tool = &spec["components"]["schemas"]["ToolView"]["properties"];
    assert!(
        tool["url"].is_object() && tool.get("secret").is_none(),
        "{tool}"
    );
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    assert!(
        spec["components"]["schemas"]["TimelineItem"].is_object(),
        "the timeline's item types are described"
    );

    let response = app
        .http
        .get(format!("{}/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("swagger"), "{page}");
    assert!(
        !page.contains("https://"),
        "the docs page must not load anything from the internet"
    );
}

switchboard_testkit::on_each_database!(
    health_readiness_and_metrics,
    readiness_fails_when_the_database_is_gone,
    request_ids_are_generated_or_echoed,
    the_openapi_document_and_docs_page_are_served,
);
