//! The account tables on both databases: tenancy, the last-owner rule, sessions and keys.

use switchboard_core::{Role, Scope, Scopes};
use switchboard_store::{NewApiKey, NewUser, PageRequest, Store, StoreError, now_ms};
use switchboard_testkit::TestDatabase;

fn owner(email: &str) -> NewUser<'_> {
    NewUser {
        email,
        name: "Owner",
        password_hash: "$argon2id$fake",
        role: Role::Owner,
        is_operator: false,
    }
}

async fn open(db: &TestDatabase) -> Store {
    Store::open(&db.url).await.expect("open and migrate")
}

async fn migrations_apply_and_readiness_reports_them(db: TestDatabase) {
    let store = Store::connect(&db.url).await.unwrap();
    assert!(
        !store.is_ready().await.unwrap(),
        "not ready before migrating"
    );
    store.migrate().await.unwrap();
    assert!(store.is_ready().await.unwrap());
    store.migrate().await.expect("migrating twice is a no-op");
}

async fn tenant_scoped_reads_never_cross_tenants(db: TestDatabase) {
    let store = open(&db).await;
    let (tenant_a, alice) = store
        .create_tenant_with_owner("A", owner("alice@a.test"))
        .await
        .unwrap();
    let (tenant_b, _bob) = store
        .create_tenant_with_owner("B", owner("bob@b.test"))
        .await
        .unwrap();

    assert_eq!(
        store.get_user(&tenant_a.id, &alice.id).await.unwrap().email,
        "alice@a.test"
    );
    assert!(matches!(
        store.get_user(&tenant_b.id, &alice.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .delete_user(&tenant_b.id, &alice.id, Role::Owner)
            .await,
        Err(StoreError::NotFound)
    ));
    let b_members = store
        .list_users(&tenant_b.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(b_members.items.iter().all(|u| u.tenant_id == tenant_b.id));
    assert_eq!(b_members.items.len(), 1);
}

async fn duplicate_email_is_a_conflict_on_email(db: TestDatabase) {
    let store = open(&db).await;
    store
        .create_tenant_with_owner("A", owner("same@x.test"))
        .await
        .unwrap();
    let err = store
        .create_tenant_with_owner("B", owner("same@x.test"))
        .await
        .unwrap_err();
    assert!(err.is_duplicate_email(), "{err:?}");
    // The failed signup left no orphan tenant behind.
    let tenants = store.list_tenants(&PageRequest::first(10)).await.unwrap();
    assert_eq!(tenants.items.len(), 1);
}

async fn the_last_owner_cannot_be_demoted_or_removed(db: TestDatabase) {
    let store = open(&db).await;
    let (tenant, alice) = store
        .create_tenant_with_owner("A", owner("alice@a.test"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_user_role(&tenant.id, &alice.id, Role::Admin, Role::Owner)
            .await,
        Err(StoreError::LastOwner)
    ));
    assert!(matches!(
        store.delete_user(&tenant.id, &alice.id, Role::Owner).await,
        Err(StoreError::LastOwner)
    ));

    let carol = store
        .create_user(&tenant.id, owner("carol@a.test"))
        .await
        .unwrap();
    store
        .set_user_role(&tenant.id, &alice.id, Role::Member, Role::Owner)
        .await
        .expect("a second owner exists");
    assert!(matches!(
        store.delete_user(&tenant.id, &carol.id, Role::Owner).await,
        Err(StoreError::LastOwner)
    ));
    store
        .delete_user(&tenant.id, &alice.id, Role::Owner)
        .await
        .expect("members can be removed");
}

async fn pages_follow_the_cursor_to_the_end(db: TestDatabase) {
    let store = open(&db).await;
    for i in 0..5 {
        store.create_tenant(&format!("T{i}")).await.unwrap();
    }
    let mut page = PageRequest::first(2);
    let mut seen = Vec::new();
    loop {
        let got = store.list_tenants(&page).await.unwrap();
        seen.extend(got.items.iter().map(|t| t.name.clone()));
        match got.next_cursor {
            Some(cursor) => page.after = switchboard_store::Cursor::decode(&cursor),
            None => break,
        }
    }
    assert_eq!(seen, ["T0", "T1", "T2", "T3", "T4"]);
}

async fn sessions_expire_and_die_with_their_user(db: TestDatabase) {
    let store = open(&db).await;
    let (tenant, alice) = store
        .create_tenant_with_owner("A", owner("alice@a.test"))
        .await
        .unwrap();
    let bob = store
        .create_user(
            &tenant.id,
            NewUser {
                role: Role::Member,
                ..owner("bob@a.test")
            },
        )
        .await
        .unwrap();
    let now = now_ms();
    store
        .create_session(&alice, "hash-live", now + 60_000)
        .await
        .unwrap();
    store
        .create_session(&alice, "hash-old", now - 1)
        .await
        .unwrap();
    store
        .create_session(&bob, "hash-bob", now + 60_000)
        .await
        .unwrap();

    let (session, user) = store.session_by_token_hash("hash-live", now).await.unwrap();
    assert_eq!(user.id, alice.id);
    assert_eq!(session.tenant_id, tenant.id);
    assert!(matches!(
        store.session_by_token_hash("hash-old", now).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.delete_expired_sessions(now).await.unwrap(), 1);

    store
        .delete_user(&tenant.id, &bob.id, Role::Owner)
        .await
        .unwrap();
    assert!(matches!(
        store.session_by_token_hash("hash-bob", now).await,
        Err(StoreError::NotFound)
    ));
}

async fn api_keys_resolve_until_revoked(db: TestDatabase) {
    let store = open(&db).await;
    let (tenant, alice) = store
        .create_tenant_with_owner("A", owner("alice@a.test"))
        .await
        .unwrap();
    let scopes = Scopes::from_list(&[Scope::Read]);
    let key = store
        .create_api_key(
            &alice,
            NewApiKey {
                name: "ci",
                prefix: "sk_abc",
                key_hash: "khash",
                scopes,
            },
        )
        .await
        .unwrap();
    let (found, user) = store.api_key_by_hash("khash").await.unwrap();
    assert_eq!(
        (found.id.as_str(), user.id.as_str()),
        (key.id.as_str(), alice.id.as_str())
    );
    assert_eq!(found.scopes(), scopes);

    let now = now_ms();
    store.touch_api_key(&found, now).await.unwrap();
    assert_eq!(
        store
            .get_api_key(&tenant.id, &key.id)
            .await
            .unwrap()
            .last_used_at,
        Some(now)
    );

    let revoked = store.revoke_api_key(&tenant.id, &key.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(matches!(
        store.api_key_by_hash("khash").await,
        Err(StoreError::NotFound)
    ));
    let again = store.revoke_api_key(&tenant.id, &key.id).await.unwrap();
    assert_eq!(
        again.revoked_at, revoked.revoked_at,
        "revoking twice keeps the first time"
    );
}

switchboard_testkit::on_each_database!(
    migrations_apply_and_readiness_reports_them,
    tenant_scoped_reads_never_cross_tenants,
    duplicate_email_is_a_conflict_on_email,
    the_last_owner_cannot_be_demoted_or_removed,
    pages_follow_the_cursor_to_the_end,
    sessions_expire_and_die_with_their_user,
    api_keys_resolve_until_revoked,
);

mod roles_under_the_lock {
    use super::*;

    /// The acting role is checked inside the transaction: an admin cannot touch an owner even if
    /// the handler's earlier read said the target was a member.
    async fn an_admin_cannot_demote_or_remove_an_owner(db: TestDatabase) {
        let store = open(&db).await;
        let (tenant, _alice) = store
            .create_tenant_with_owner("A", owner("alice@a.test"))
            .await
            .unwrap();
        let bob = store
            .create_user(&tenant.id, owner("bob@a.test"))
            .await
            .unwrap();
        let demoted = store
            .set_user_role(&tenant.id, &bob.id, Role::Member, Role::Admin)
            .await;
        assert!(
            matches!(demoted, Err(StoreError::NotPermitted)),
            "{demoted:?}"
        );
        let removed = store.delete_user(&tenant.id, &bob.id, Role::Admin).await;
        assert!(
            matches!(removed, Err(StoreError::NotPermitted)),
            "{removed:?}"
        );
        let promoted = store
            .set_user_role(&tenant.id, &bob.id, Role::Owner, Role::Member)
            .await;
        assert!(
            matches!(promoted, Err(StoreError::NotPermitted)),
            "{promoted:?}"
        );
    }

    switchboard_testkit::on_each_database!(an_admin_cannot_demote_or_remove_an_owner);
}
