use reqwest::{Method, StatusCode};
use serde_json::json;
use switchboard_core::Role;
use switchboard_testkit::TestDatabase;

use crate::helpers::{PASSWORD, expect_error, read, spawn_app};

async fn roles_decide_who_manages_members(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "A").await;
    let admin = app
        .add_member(&owner, "admin@example.com", Role::Admin)
        .await;
    let member = app
        .add_member(&admin, "member@example.com", Role::Member)
        .await;

    // Members read, but do not manage.
    assert_eq!(
        app.get("/v1/tenant/members", &member.token).await.status(),
        StatusCode::OK
    );
    let new =
        json!({ "email": "x@example.com", "name": "X", "password": PASSWORD, "role": "member" });
    expect_error(
        app.post("/v1/tenant/members", &member.token, new.clone())
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let rename = app
        .request(
            Method::PATCH,
            "/v1/tenant",
            Some(&member.token),
            Some(json!({ "name": "Mine" })),
        )
        .await;
    expect_error(rename, StatusCode::FORBIDDEN, "forbidden").await;

    // Admins manage admins and members, never owners.
    let make_owner =
        json!({ "email": "o2@example.com", "name": "O", "password": PASSWORD, "role": "owner" });
    expect_error(
        app.post("/v1/tenant/members", &admin.token, make_owner.clone())
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let owner_path = format!("/v1/tenant/members/{}", owner.user_id);
    let demote_owner = app
        .request(
            Method::PATCH,
            &owner_path,
            Some(&admin.token),
            Some(json!({ "role": "member" })),
        )
        .await;
    expect_error(demote_owner, StatusCode::FORBIDDEN, "forbidden").await;
    let member_path = format!("/v1/tenant/members/{}", member.user_id);
    let (status, promoted) = read(
        app.request(
            Method::PATCH,
            &member_path,
            Some(&admin.token),
            Some(json!({ "role": "admin" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(promoted["role"], "admin");

    // Owners make owners.
    let (status, _) = read(
        app.post("/v1/tenant/members", &owner.token, make_owner)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn the_last_owner_stays(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "A").await;
    let path = format!("/v1/tenant/members/{}", owner.user_id);
    let response = app
        .request(
            Method::PATCH,
            &path,
            Some(&owner.token),
            Some(json!({ "role": "admin" })),
        )
        .await;
    let body = expect_error(response, StatusCode::CONFLICT, "conflict").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("owner"));
    expect_error(
        app.request(Method::DELETE, &path, Some(&owner.token), None)
            .await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(
        app.get("/v1/me", &owner.token).await.status(),
        StatusCode::OK
    );
}

async fn members_list_in_pages(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "A").await;
    for i in 0..3 {
        app.add_member(&owner, &format!("m{i}@example.com"), Role::Member)
            .await;
    }
    let mut emails = Vec::new();
    let mut path = "/v1/tenant/members?limit=2".to_owned();
    loop {
        let (status, page) = read(app.get(&path, &owner.token).await).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        emails.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["email"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/tenant/members?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        emails,
        [
            "owner@example.com",
            "m0@example.com",
            "m1@example.com",
            "m2@example.com"
        ]
    );
}

async fn the_tenant_can_be_read_and_renamed(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "Before").await;
    let (_, tenant) = read(app.get("/v1/tenant", &owner.token).await).await;
    assert_eq!(tenant["name"], "Before");
    let (status, renamed) = read(
        app.request(
            Method::PATCH,
            "/v1/tenant",
            Some(&owner.token),
            Some(json!({ "name": " After " })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["name"], "After");
}

async fn only_operators_list_every_tenant(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "A").await;
    expect_error(
        app.get("/v1/admin/tenants", &owner.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let operator = app.operator().await;
    let (status, tenants) = read(app.get("/v1/admin/tenants", &operator.token).await).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<_> = tenants["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A", "Operators"]);
}

switchboard_testkit::on_each_database!(
    roles_decide_who_manages_members,
    the_last_owner_stays,
    members_list_in_pages,
    the_tenant_can_be_read_and_renamed,
    only_operators_list_every_tenant,
);
