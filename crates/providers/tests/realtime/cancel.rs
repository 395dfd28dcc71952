//! Cancelling closes the upstream socket promptly, whichever way it happens.

use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::realtime::{OpenAiRealtime, RealtimeEvent};
use switchboard_testkit::fakes::realtime::{FakeRealtime, RealtimeScript, Reply};

use super::support;

fn streaming() -> RealtimeScript {
    RealtimeScript {
        replies: vec![Reply::say(
            "A long answer that is still playing when the caller hangs up.",
        )],
        real_time: true,
        ..RealtimeScript::default()
    }
}

#[tokio::test]
async fn dropping_the_stream_closes_the_socket_at_once() {
    let fake = FakeRealtime::start(streaming()).await.unwrap();
    let config = support::config(fake.url());
    let mut stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    stream.input.create_response(None).await.unwrap();
    support::until(&mut stream.output, Duration::from_secs(3), |e| {
        matches!(e, RealtimeEvent::AudioDelta { .. })
    })
    .await;
    assert_eq!(fake.closed_sessions(), 0);
    drop(stream);
    assert!(support::eventually(Duration::from_secs(1), || fake.closed_sessions() == 1).await);
}

#[tokio::test]
async fn cancel_ends_both_halves_and_closes_the_socket() {
    let fake = FakeRealtime::start(streaming()).await.unwrap();
    let config = support::config(fake.url());
    let stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    let (input, mut output) = stream.split();
    input.create_response(None).await.unwrap();
    support::until(&mut output, Duration::from_secs(3), |e| {
        matches!(e, RealtimeEvent::AudioDelta { .. })
    })
    .await;
    input.cancel();
    assert!(output.next().await.is_none());
    assert!(matches!(
        input.send_audio(&[0xFF; 160]).await,
        Err(ProviderError::Cancelled)
    ));
    assert!(support::eventually(Duration::from_secs(1), || fake.closed_sessions() == 1).await);
}
