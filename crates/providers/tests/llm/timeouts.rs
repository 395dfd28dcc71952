//! First-token and idle timeouts, measured against the fake's exact latencies.

use std::time::{Duration, Instant};

use switchboard_providers::error::Phase;
use switchboard_providers::llm::{ChatModel, OpenAiChat};
use switchboard_providers::{ProviderError, Timeouts};
use switchboard_testkit::fakes::Faults;
use switchboard_testkit::fakes::llm::Reply;
use tokio_util::sync::CancellationToken;

use super::support::*;

fn tight(fake: &switchboard_testkit::fakes::llm::FakeLlm) -> OpenAiChat {
    let timeouts = Timeouts {
        connect: Duration::from_secs(1),
        first_byte: Duration::from_millis(150),
        idle: Duration::from_millis(150),
    };
    OpenAiChat::new(config(fake).timeouts(timeouts)).unwrap()
}

#[tokio::test]
async fn first_token_latency_is_exact_and_bounded() {
    let fake = fake().await;
    fake.set_faults(Faults {
        first_byte: Duration::from_millis(100),
        ..Faults::default()
    });
    fake.push(Reply::text("quick enough"));
    fake.push(Reply::text("too slow").first_byte(Duration::from_millis(600)));
    fake.push(Reply::text("never"));
    let chat = tight(&fake);
    let started = Instant::now();
    let items = drain(chat.stream(&request(), CancellationToken::new())).await;
    assert_eq!(text_of(&items), "quick enough");
    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "the fake waits exactly first_byte"
    );

    let started = Instant::now();
    let items = drain(chat.stream(&request(), CancellationToken::new())).await;
    let error = error_of(&items);
    assert!(
        matches!(
            error,
            ProviderError::Timeout {
                phase: Phase::FirstByte,
                ..
            }
        ),
        "{error:?}"
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(150) && waited < Duration::from_millis(450),
        "{waited:?}"
    );
    assert_eq!(fake.pending(), 1, "timeouts are not retried by default");
    assert!(
        fake.wait_for_disconnects(1, Duration::from_secs(2)).await,
        "the slow request was abandoned"
    );
}

#[tokio::test]
async fn a_stalled_stream_times_out_on_the_idle_gap() {
    let fake = fake().await;
    fake.push(Reply::text("one two three").per_chunk(Duration::from_millis(400)));
    let started = Instant::now();
    let items = drain(tight(&fake).stream(&request(), CancellationToken::new())).await;
    assert_eq!(
        text_of(&items),
        "one",
        "the first token came at once, the second too late"
    );
    assert!(
        matches!(
            error_of(&items),
            ProviderError::Timeout {
                phase: Phase::Idle,
                ..
            }
        ),
        "{items:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(380),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn token_rate_is_paced_exactly() {
    let fake = fake().await;
    fake.set_faults(Faults {
        first_byte: Duration::from_millis(50),
        per_chunk: Duration::from_millis(30),
        ..Faults::default()
    });
    fake.push(Reply::text("a b c d"));
    let started = Instant::now();
    let mut stream = client(&fake).stream(&request(), CancellationToken::new());
    let mut arrivals = Vec::new();
    while let Some(item) = futures_util::StreamExt::next(&mut stream).await {
        if let Ok(switchboard_providers::llm::ChatEvent::TextDelta(_)) = item {
            arrivals.push(started.elapsed());
        }
    }
    assert_eq!(arrivals.len(), 4);
    assert!(arrivals[0] >= Duration::from_millis(50));
    assert!(
        arrivals[3] >= Duration::from_millis(50 + 3 * 30),
        "{arrivals:?}"
    );
    assert!(
        arrivals[3] < Duration::from_millis(50 + 3 * 30 + 150),
        "{arrivals:?}"
    );
}

/// A server whose accept queue is full drops new connection attempts: connecting hangs, as it
/// does for a host that is down. The client gives up at the connect timeout.
#[tokio::test]
async fn an_unreachable_server_times_out_at_connect() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    // Fill the queue; nobody ever accepts.
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(stream)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(stream);
        }
    }
    let timeouts = Timeouts {
        connect: Duration::from_millis(300),
        first_byte: Duration::from_secs(5),
        idle: Duration::from_secs(5),
    };
    let config = switchboard_providers::llm::OpenAiConfig::new(
        switchboard_providers::llm::openai::Flavor::OpenAi,
        format!("http://{addr}/v1"),
        "gpt-test",
    )
    .timeouts(timeouts)
    .retry(fast_retry());
    let chat = OpenAiChat::new(config).unwrap();
    let started = Instant::now();
    let items = drain(chat.stream(&request(), CancellationToken::new())).await;
    let error = error_of(&items);
    assert!(
        matches!(
            error,
            ProviderError::Timeout {
                phase: Phase::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "gave up after {waited:?}");
    drop((listener, fillers));
}
