//! A finished stream hands its connection back, so the next turn skips connect (and TLS).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use switchboard_providers::llm::{ChatModel, OpenAiChat, OpenAiConfig, collect};
use switchboard_testkit::fakes::llm::Reply;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use super::support::*;

/// A TCP relay in front of the fake that counts the connections clients open.
async fn counting_relay(target: std::net::SocketAddr) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut outbound = TcpStream::connect(target).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    (url, count)
}

#[tokio::test]
async fn consecutive_turns_share_one_connection() {
    let fake = fake().await;
    let (url, connections) = counting_relay(fake.server().addr()).await;
    let chat = OpenAiChat::new(OpenAiConfig {
        base_url: url,
        ..config(&fake)
    })
    .unwrap();
    for turn in ["one", "two", "three"] {
        fake.push(Reply::text(turn));
        let reply = collect(chat.stream(&request(), CancellationToken::new()))
            .await
            .unwrap();
        assert_eq!(reply.text, turn);
    }
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}
