//! The fallback chain: switching on errors, on a blown first-token budget and mid-stream.

use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard_providers::ProviderError;
use switchboard_providers::llm::{
    ChatEvent, ChatModel, FallbackChain, Message, OpenAiChat, RetryPolicy, SwitchCause, ToolCall,
    collect,
};
use switchboard_testkit::fakes::llm::{FakeLlm, Reply};
use tokio_util::sync::CancellationToken;

use super::support::*;

fn named(fake: &FakeLlm, label: &str) -> Arc<dyn ChatModel> {
    Arc::new(OpenAiChat::new(config(fake).label(label).retry(RetryPolicy::never())).unwrap())
}

async fn pair() -> (FakeLlm, FakeLlm, FallbackChain) {
    let (primary, secondary) = (fake().await, fake().await);
    let chain = FallbackChain::new(vec![
        named(&primary, "primary"),
        named(&secondary, "secondary"),
    ]);
    (primary, secondary, chain)
}

#[tokio::test]
async fn an_error_mid_conversation_hands_the_turn_to_the_next_model() {
    let (primary, secondary, chain) = pair().await;
    primary.push(Reply::tool_call("call_1", "book", r#"{"n":2}"#));
    primary.push(Reply::server_error(503));
    secondary.push(Reply::text("Your table is booked."));

    let mut conversation = request();
    let turn1 = collect(chain.stream(&conversation, CancellationToken::new()))
        .await
        .unwrap();
    assert!(turn1.switches.is_empty());
    conversation.messages.push(Message::Assistant {
        content: None,
        tool_calls: turn1.tool_calls.clone(),
    });
    conversation
        .messages
        .push(Message::tool_result("call_1", r#"{"ok":true}"#));

    let items = drain(chain.stream(&conversation, CancellationToken::new())).await;
    let Ok(ChatEvent::Switched(switch)) = &items[0] else {
        panic!("first a switch: {items:?}")
    };
    assert_eq!(
        (
            switch.from.as_str(),
            switch.to.as_str(),
            switch.discarded_output
        ),
        ("primary", "secondary", false)
    );
    assert!(
        matches!(&switch.cause, SwitchCause::Failed(why) if why.contains("503")),
        "{switch:?}"
    );
    assert_eq!(text_of(&items), "Your table is booked.");
    assert_eq!(
        turn1.tool_calls,
        vec![ToolCall {
            id: "call_1".into(),
            name: "book".into(),
            arguments: r#"{"n":2}"#.into()
        }]
    );
    let taken_over = &secondary.chat_bodies()[0]["messages"];
    assert_eq!(
        taken_over,
        &primary.chat_bodies()[1]["messages"],
        "the whole conversation moves over"
    );
    assert_eq!(taken_over.as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_blown_first_token_budget_switches_and_hangs_up_on_the_slow_model() {
    let (primary, secondary, chain) = pair().await;
    let chain = chain.first_token_budget(Duration::from_millis(200));
    primary.push(Reply::text("too late").first_byte(Duration::from_secs(3)));
    secondary.push(Reply::text("Right away.").first_byte(Duration::from_millis(50)));
    let started = Instant::now();
    let response = collect(chain.stream(&request(), CancellationToken::new()))
        .await
        .unwrap();
    assert_eq!(response.text, "Right away.");
    assert_eq!(response.switches.len(), 1);
    assert_eq!(
        response.switches[0].cause,
        SwitchCause::FirstTokenLate(Duration::from_millis(200))
    );
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
    assert!(
        primary
            .wait_for_disconnects(1, Duration::from_secs(1))
            .await,
        "the slow model's request stays open"
    );
}

#[tokio::test]
async fn the_last_model_is_never_cut_off_by_the_budget() {
    let only = fake().await;
    only.push(Reply::text("slow but sure").first_byte(Duration::from_millis(300)));
    let chain = FallbackChain::new(vec![named(&only, "only")])
        .first_token_budget(Duration::from_millis(50));
    assert_eq!(
        collect(chain.stream(&request(), CancellationToken::new()))
            .await
            .unwrap()
            .text,
        "slow but sure"
    );
}

#[tokio::test]
async fn failure_after_output_ends_the_turn_unless_restart_is_asked() {
    let (primary, secondary, chain) = pair().await;
    primary.push(Reply::text("I will book the").drop_after(3));
    let items = drain(chain.stream(&request(), CancellationToken::new())).await;
    assert_eq!(text_of(&items), "I will");
    assert!(matches!(error_of(&items), ProviderError::Upstream { .. }));
    assert_eq!(secondary.recorder().all().len(), 0);

    let chain = chain.restart_mid_stream(true);
    primary.push(Reply::text("I will book the").drop_after(3));
    secondary.push(Reply::text("I have booked the table."));
    let items = drain(chain.stream(&request(), CancellationToken::new())).await;
    let switch = items.iter().find_map(|i| match i {
        Ok(ChatEvent::Switched(s)) => Some(s.clone()),
        _ => None,
    });
    assert!(switch.expect("a switch").discarded_output);
    let mut response = switchboard_providers::llm::ChatResponse::default();
    items.into_iter().for_each(|i| response.absorb(i.unwrap()));
    assert_eq!(
        response.text, "I have booked the table.",
        "the listener drops the discarded part"
    );
}

#[tokio::test]
async fn all_failing_gives_the_last_error_and_cancel_never_falls_back() {
    let (primary, secondary, chain) = pair().await;
    primary.push(Reply::server_error(500));
    secondary.push(Reply::rate_limited(30));
    let items = drain(chain.stream(&request(), CancellationToken::new())).await;
    assert!(
        matches!(error_of(&items), ProviderError::RateLimited { .. }),
        "{items:?}"
    );

    primary.push(Reply::text("slow").first_byte(Duration::from_secs(2)));
    let cancel = CancellationToken::new();
    cancel.cancel();
    let items = drain(chain.stream(&request(), cancel)).await;
    assert!(
        matches!(error_of(&items), ProviderError::Cancelled),
        "{items:?}"
    );
    assert_eq!(
        secondary.recorder().all().len(),
        1,
        "cancellation does not try the next model"
    );
}

#[tokio::test]
async fn non_streaming_calls_fall_back_and_report_it() {
    let (primary, secondary, chain) = pair().await;
    primary.push(Reply::rate_limited(60));
    secondary.push(Reply::text("Summary: booked for two."));
    let response = chain
        .complete(&request(), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(response.text, "Summary: booked for two.");
    assert_eq!(response.switches.len(), 1);
    assert_eq!(response.switches[0].from, "primary");
    assert!(chain.name().contains("primary > secondary"));
}

#[tokio::test]
async fn with_a_cooldown_a_failed_model_is_tried_last_on_later_turns() {
    let (primary, secondary, chain) = pair().await;
    let chain = chain.cooldown(Duration::from_secs(60));
    primary.push(Reply::server_error(500));
    secondary.push(Reply::text("turn one"));
    secondary.push(Reply::text("turn two"));
    let first = collect(chain.stream(&request(), CancellationToken::new()))
        .await
        .unwrap();
    assert_eq!((first.text.as_str(), first.switches.len()), ("turn one", 1));
    let second = collect(chain.stream(&request(), CancellationToken::new()))
        .await
        .unwrap();
    assert_eq!(
        (second.text.as_str(), second.switches.len()),
        ("turn two", 0)
    );
    assert_eq!(
        primary.recorder().all().len(),
        1,
        "the benched model was not asked again"
    );

    secondary.push(Reply::server_error(500));
    primary.push(Reply::text("primary is back"));
    let third = collect(chain.stream(&request(), CancellationToken::new()))
        .await
        .unwrap();
    assert_eq!(third.text, "primary is back");
    assert_eq!(
        (
            third.switches[0].from.as_str(),
            third.switches[0].to.as_str()
        ),
        ("secondary", "primary")
    );
}
