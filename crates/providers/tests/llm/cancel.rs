//! Cancelling a turn (barge-in) or dropping its stream closes the upstream connection at once.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use switchboard_providers::ProviderError;
use switchboard_providers::llm::{ChatEvent, ChatModel};
use switchboard_testkit::fakes::Faults;
use switchboard_testkit::fakes::llm::Reply;
use tokio_util::sync::CancellationToken;

use super::support::*;

fn slow_reply() -> Reply {
    Reply::text("this reply takes a long time to finish speaking")
        .per_chunk(Duration::from_millis(100))
}

#[tokio::test]
async fn cancelling_mid_stream_ends_it_and_the_fake_sees_the_hang_up() {
    let fake = fake().await;
    fake.push(slow_reply());
    let cancel = CancellationToken::new();
    let mut stream = client(&fake).stream(&request(), cancel.clone());
    assert!(matches!(
        stream.next().await,
        Some(Ok(ChatEvent::TextDelta(_)))
    ));
    assert!(matches!(
        stream.next().await,
        Some(Ok(ChatEvent::TextDelta(_)))
    ));
    let started = Instant::now();
    cancel.cancel();
    assert!(matches!(
        stream.next().await,
        Some(Err(ProviderError::Cancelled))
    ));
    assert!(stream.next().await.is_none());
    assert!(started.elapsed() < Duration::from_millis(50));
    assert!(
        fake.wait_for_disconnects(1, Duration::from_secs(1)).await,
        "upstream still open"
    );
}

#[tokio::test]
async fn dropping_the_stream_closes_upstream() {
    let fake = fake().await;
    fake.push(slow_reply());
    let mut stream = client(&fake).stream(&request(), CancellationToken::new());
    assert!(matches!(
        stream.next().await,
        Some(Ok(ChatEvent::TextDelta(_)))
    ));
    drop(stream);
    assert!(
        fake.wait_for_disconnects(1, Duration::from_secs(1)).await,
        "upstream still open"
    );
}

#[tokio::test]
async fn cancelling_before_the_first_token_and_during_a_summary() {
    let fake = fake().await;
    fake.set_faults(Faults {
        first_byte: Duration::from_secs(5),
        ..Faults::default()
    });
    fake.push(Reply::text("late"));
    fake.push(Reply::text("late summary"));
    let chat = client(&fake);
    let cancel = CancellationToken::new();
    let stream = chat.stream(&request(), cancel.clone());
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        canceller.cancel();
    });
    let started = Instant::now();
    let items = drain(stream).await;
    assert!(matches!(error_of(&items), ProviderError::Cancelled));
    assert!(started.elapsed() < Duration::from_millis(400));
    assert!(
        fake.wait_for_disconnects(1, Duration::from_secs(1)).await,
        "upstream still open"
    );

    let cancel = CancellationToken::new();
    let summary = chat.complete(&request(), cancel.clone());
    cancel.cancel();
    assert!(matches!(summary.await, Err(ProviderError::Cancelled)));
}
