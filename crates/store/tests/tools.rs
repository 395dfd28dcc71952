//! Tools on both databases: tenancy, unique names, lookups by name, paging, and secrets that
//! are stored encrypted and bound to their row.

use serde_json::json;
use switchboard_core::Role;
use switchboard_store::{
    NewTool, NewUser, PageRequest, SecretsKey, Store, StoreError, Tool, ToolChanges, User,
};
use switchboard_testkit::TestDatabase;

async fn open(db: &TestDatabase) -> Store {
    Store::open(&db.url).await.expect("open and migrate")
}

async fn tenant(store: &Store, email: &str) -> User {
    let owner = NewUser {
        email,
        name: "Owner",
        password_hash: "$argon2id$fake",
        role: Role::Owner,
        is_operator: false,
    };
    store
        .create_tenant_with_owner(email, owner)
        .await
        .unwrap()
        .1
}

async fn tool(store: &Store, key: &SecretsKey, owner: &User, name: &str, secret: &str) -> Tool {
    let parameters = json!({"type": "object", "properties": {"day": {"type": "string"}}});
    store
        .create_tool(
            &owner.tenant_id,
            NewTool {
                name,
                description: "Books a slot.",
                parameters: &parameters,
                url: "https://hooks.example.com/book",
                secret,
                timeout_ms: 5_000,
            },
            key,
        )
        .await
        .unwrap()
}

async fn stored_ciphertext(db: &TestDatabase, id: &str) -> String {
    let raw = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let text: String = sqlx::query_scalar("SELECT secret_ciphertext FROM tools WHERE id = $1")
        .bind(id)
        .fetch_one(&raw)
        .await
        .unwrap();
    raw.close().await;
    text
}

async fn a_tool_round_trips_with_its_secret_encrypted(db: TestDatabase) {
    let store = open(&db).await;
    let key = SecretsKey::generate();
    let ada = tenant(&store, "ada@a.test").await;
    let created = tool(&store, &key, &ada, "book_slot", "whsec_store_secret").await;
    assert!(created.id.starts_with("tool_"), "{}", created.id);
    assert_eq!(created.tenant_id, ada.tenant_id);
    assert_eq!(created.parameters["properties"]["day"]["type"], "string");
    assert_eq!(created.timeout_ms, 5_000);
    assert_eq!(created.created_at, created.updated_at);

    let fetched = store.get_tool(&ada.tenant_id, &created.id).await.unwrap();
    assert_eq!(fetched, created);
    assert_eq!(fetched.secret(&key).unwrap(), "whsec_store_secret");
    assert!(matches!(
        fetched.secret(&SecretsKey::generate()),
        Err(StoreError::Undecryptable)
    ));

    let stored = stored_ciphertext(&db, &created.id).await;
    assert!(stored.starts_with("v1:"), "{stored}");
    assert!(!stored.contains("whsec_store_secret"));
    assert!(!format!("{fetched:?}").contains("whsec_store_secret"));
}

async fn another_tenants_tools_are_not_found_and_names_are_per_tenant(db: TestDatabase) {
    let store = open(&db).await;
    let key = SecretsKey::generate();
    let ada = tenant(&store, "ada@a.test").await;
    let bob = tenant(&store, "bob@b.test").await;
    let adas = tool(&store, &key, &ada, "book_slot", "whsec_a").await;
    // The same name in another tenant is fine; twice in one tenant is not.
    let bobs = tool(&store, &key, &bob, "book_slot", "whsec_b").await;
    let parameters = json!({"type": "object"});
    let duplicate = NewTool {
        name: "book_slot",
        description: "",
        parameters: &parameters,
        url: "https://x.example.com/",
        secret: "whsec_c",
        timeout_ms: 1_000,
    };
    let err = store
        .create_tool(&ada.tenant_id, duplicate, &key)
        .await
        .unwrap_err();
    assert!(err.is_duplicate_tool_name(), "{err:?}");

    assert!(matches!(
        store.get_tool(&ada.tenant_id, &bobs.id).await,
        Err(StoreError::NotFound)
    ));
    let change = ToolChanges {
        description: Some("hijacked"),
        ..ToolChanges::default()
    };
    assert!(matches!(
        store
            .update_tool(&ada.tenant_id, &bobs.id, change, &key)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_tool(&ada.tenant_id, &bobs.id).await,
        Err(StoreError::NotFound)
    ));
    let names = vec!["book_slot".to_owned()];
    let found = store
        .get_tools_by_names(&ada.tenant_id, &names)
        .await
        .unwrap();
    assert_eq!(found, vec![adas]);
    let page = store
        .list_tools(&ada.tenant_id, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let bobs_now = store.get_tool(&bob.tenant_id, &bobs.id).await.unwrap();
    assert_eq!(bobs_now, bobs);
}

async fn a_secret_moved_to_another_row_does_not_decrypt(db: TestDatabase) {
    let store = open(&db).await;
    let key = SecretsKey::generate();
    let ada = tenant(&store, "ada@a.test").await;
    let bob = tenant(&store, "bob@b.test").await;
    let first = tool(&store, &key, &ada, "first", "whsec_first").await;
    let second = tool(&store, &key, &ada, "second", "whsec_second").await;
    let bobs = tool(&store, &key, &bob, "third", "whsec_third").await;

    let raw = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let stolen = stored_ciphertext(&db, &first.id).await;
    for target in [&second.id, &bobs.id] {
        sqlx::query("UPDATE tools SET secret_ciphertext = $1 WHERE id = $2")
            .bind(&stolen)
            .bind(target)
            .execute(&raw)
            .await
            .unwrap();
    }
    raw.close().await;
    let second = store.get_tool(&ada.tenant_id, &second.id).await.unwrap();
    let bobs = store.get_tool(&bob.tenant_id, &bobs.id).await.unwrap();
    for moved in [second, bobs] {
        assert!(matches!(moved.secret(&key), Err(StoreError::Undecryptable)));
    }
    let first = store.get_tool(&ada.tenant_id, &first.id).await.unwrap();
    assert_eq!(first.secret(&key).unwrap(), "whsec_first");
}

async fn updates_change_only_what_is_given(db: TestDatabase) {
    let store = open(&db).await;
    let key = SecretsKey::generate();
    let ada = tenant(&store, "ada@a.test").await;
    let created = tool(&store, &key, &ada, "book_slot", "whsec_old").await;
    let before = stored_ciphertext(&db, &created.id).await;

    let renamed = store
        .update_tool(
            &ada.tenant_id,
            &created.id,
            ToolChanges {
                name: Some("reserve_slot"),
                timeout_ms: Some(9_000),
                ..ToolChanges::default()
            },
            &key,
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "reserve_slot");
    assert_eq!(renamed.timeout_ms, 9_000);
    assert_eq!(renamed.description, created.description);
    assert_eq!(renamed.url, created.url);
    assert_eq!(renamed.parameters, created.parameters);
    assert!(renamed.updated_at >= created.updated_at);
    assert_eq!(stored_ciphertext(&db, &created.id).await, before);
    assert_eq!(renamed.secret(&key).unwrap(), "whsec_old");

    let parameters = json!({"type": "object", "required": ["day"]});
    let changed = store
        .update_tool(
            &ada.tenant_id,
            &created.id,
            ToolChanges {
                description: Some("Reserves a slot."),
                parameters: Some(&parameters),
                url: Some("https://hooks.example.com/reserve"),
                secret: Some("whsec_new"),
                ..ToolChanges::default()
            },
            &key,
        )
        .await
        .unwrap();
    assert_eq!(changed.name, "reserve_slot");
    assert_eq!(changed.description, "Reserves a slot.");
    assert_eq!(changed.parameters, parameters);
    assert_eq!(changed.url, "https://hooks.example.com/reserve");
    assert_eq!(changed.secret(&key).unwrap(), "whsec_new");
    assert_ne!(stored_ciphertext(&db, &created.id).await, before);

    store
        .delete_tool(&ada.tenant_id, &created.id)
        .await
        .unwrap();
    assert!(matches!(
        store.get_tool(&ada.tenant_id, &created.id).await,
        Err(StoreError::NotFound)
    ));
}

async fn lookups_by_name_keep_the_order_asked_and_lists_page(db: TestDatabase) {
    let store = open(&db).await;
    let key = SecretsKey::generate();
    let ada = tenant(&store, "ada@a.test").await;
    let mut made = Vec::new();
    for name in ["alpha", "beta", "gamma"] {
        made.push(tool(&store, &key, &ada, name, "whsec_x").await);
    }
    let names: Vec<String> = ["gamma", "end_call", "alpha", "gamma", "missing"]
        .map(str::to_owned)
        .to_vec();
    let found = store
        .get_tools_by_names(&ada.tenant_id, &names)
        .await
        .unwrap();
    let found: Vec<&str> = found.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(found, ["gamma", "alpha"]);

    let first = store
        .list_tools(&ada.tenant_id, &PageRequest::first(2))
        .await
        .unwrap();
    assert_eq!(first.items, made[..2]);
    let cursor = first.next_cursor.expect("a second page");
    let second = store
        .list_tools(
            &ada.tenant_id,
            &PageRequest {
                limit: 2,
                after: switchboard_store::Cursor::decode(&cursor),
            },
        )
        .await
        .unwrap();
    assert_eq!(second.items, made[2..]);
    assert!(second.next_cursor.is_none());
}

switchboard_testkit::on_each_database!(
    a_tool_round_trips_with_its_secret_encrypted,
    another_tenants_tools_are_not_found_and_names_are_per_tenant,
    a_secret_moved_to_another_row_does_not_decrypt,
    updates_change_only_what_is_given,
    lookups_by_name_keep_the_order_asked_and_lists_page,
);
