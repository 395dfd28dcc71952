//! One-time media-stream tokens on both databases.

use switchboard_store::{Store, StoreError, StreamGrant, now_ms};
use switchboard_testkit::TestDatabase;

async fn grant(store: &Store) -> StreamGrant {
    let tenant = store.create_tenant("A").await.unwrap();
    StreamGrant {
        tenant_id: tenant.id,
        call_id: "call_1".into(),
        brain: "echo".into(),
    }
}

async fn a_token_is_consumed_once(db: TestDatabase) {
    let store = Store::open(&db.url).await.unwrap();
    let grant = grant(&store).await;
    let now = now_ms();
    store
        .create_stream_token("h1", &grant, now + 60_000)
        .await
        .unwrap();
    assert_eq!(store.consume_stream_token("h1", now).await.unwrap(), grant);
    assert!(matches!(
        store.consume_stream_token("h1", now).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.consume_stream_token("unknown", now).await,
        Err(StoreError::NotFound)
    ));
}

async fn an_expired_token_is_refused_and_cleaned_up(db: TestDatabase) {
    let store = Store::open(&db.url).await.unwrap();
    let grant = grant(&store).await;
    let now = now_ms();
    store
        .create_stream_token("old", &grant, now - 1)
        .await
        .unwrap();
    assert!(matches!(
        store.consume_stream_token("old", now).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.delete_expired_stream_tokens(now).await.unwrap(), 1);
}

async fn racing_streams_cannot_both_win(db: TestDatabase) {
    let store = Store::open(&db.url).await.unwrap();
    let grant = grant(&store).await;
    let now = now_ms();
    store
        .create_stream_token("race", &grant, now + 60_000)
        .await
        .unwrap();
    let attempts = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.consume_stream_token("race", now).await.is_ok() })
    });
    let mut winners = 0;
    for attempt in attempts {
        winners += usize::from(attempt.await.unwrap());
    }
    assert_eq!(winners, 1);
}

switchboard_testkit::on_each_database!(
    a_token_is_consumed_once,
    an_expired_token_is_refused_and_cleaned_up,
    racing_streams_cannot_both_win
);
