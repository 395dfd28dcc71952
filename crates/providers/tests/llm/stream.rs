//! Streamed text, tool calls, usage and the non-streaming call.

use serde_json::json;
use switchboard_providers::Usage;
use switchboard_providers::llm::{
    ChatEvent, ChatModel, ChatRequest, FinishReason, Message, ToolCall, ToolChoice, ToolSpec,
    collect,
};
use switchboard_testkit::fakes::Recorded;
use switchboard_testkit::fakes::llm::{Reply, ToolFraming, UsageMode, tokenize};
use tokio_util::sync::CancellationToken;

use super::support::*;

const ANSWER: &str = "Sure, two people at eight. Anything else? ☎ é";

#[tokio::test]
async fn text_streams_as_deltas_then_finish_then_usage() {
    let fake = fake().await;
    fake.push(Reply::text(ANSWER).usage(42, 7));
    let items = drain(client(&fake).stream(&request(), CancellationToken::new())).await;
    let deltas = items
        .iter()
        .filter(|i| matches!(i, Ok(ChatEvent::TextDelta(_))))
        .count();
    assert_eq!(deltas, tokenize(ANSWER).len(), "one delta per token");
    assert_eq!(text_of(&items), ANSWER);
    let tail: Vec<_> = items
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(|i| i.as_ref().unwrap().clone())
        .collect();
    let usage = Usage {
        input_tokens: 42,
        output_tokens: 7,
        ..Usage::default()
    };
    assert_eq!(
        tail,
        vec![
            ChatEvent::Finished(FinishReason::Stop),
            ChatEvent::Usage(usage)
        ]
    );

    let body = &fake.chat_bodies()[0];
    assert_eq!(body["model"], "gpt-test");
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    let Recorded::Http {
        headers,
        method,
        path,
        ..
    } = &fake.recorder().all()[0]
    else {
        panic!("an HTTP request")
    };
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn crlf_keepalives_ragged_writes_and_extra_fields_change_nothing() {
    let fake = fake().await;
    fake.push(
        Reply::text(ANSWER)
            .awkward_framing()
            .extra_fields()
            .usage(3, 4),
    );
    fake.push(Reply::text(ANSWER).omit_done());
    let chat = client(&fake);
    let response = collect(chat.stream(&request(), CancellationToken::new()))
        .await
        .unwrap();
    assert_eq!(response.text, ANSWER);
    assert_eq!(
        response.usage.map(|u| (u.input_tokens, u.output_tokens)),
        Some((3, 4))
    );
    // Lenient: a body that ends after the finish reason without `[DONE]` is still a reply.
    let response = collect(chat.stream(&request(), CancellationToken::new()))
        .await
        .unwrap();
    assert_eq!(
        (response.text.as_str(), response.finish),
        (ANSWER, Some(FinishReason::Stop))
    );
}

fn tool_request() -> ChatRequest {
    let parameters =
        json!({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]});
    ChatRequest {
        tools: vec![
            ToolSpec {
                name: "book".into(),
                description: "Book a table".into(),
                parameters,
            },
            ToolSpec {
                name: "send_sms".into(),
                description: "Text the caller".into(),
                parameters: json!({"type": "object"}),
            },
        ],
        tool_choice: ToolChoice::Auto,
        ..request()
    }
}

#[tokio::test]
async fn tool_calls_are_assembled_by_index_in_every_framing() {
    let fake = fake().await;
    let args = r#"{"n":2,"time":"20:00","note":"fenêtre"}"#;
    let chat = client(&fake);
    for framing in [
        ToolFraming::Fragmented,
        ToolFraming::Whole,
        ToolFraming::Repeated,
    ] {
        let mut reply = Reply::tool_call("call_a", "book", args)
            .and_tool_call("call_b", "send_sms", "")
            .tool_framing(framing);
        reply.split_events = true;
        reply.argument_pieces = 7;
        fake.push(reply);
        let items = drain(chat.stream(&tool_request(), CancellationToken::new())).await;
        let events: Vec<ChatEvent> = items.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            &events[..3],
            &[
                ChatEvent::ToolCall(ToolCall {
                    id: "call_a".into(),
                    name: "book".into(),
                    arguments: args.into()
                }),
                ChatEvent::ToolCall(ToolCall {
                    id: "call_b".into(),
                    name: "send_sms".into(),
                    arguments: "{}".into()
                }),
                ChatEvent::Finished(FinishReason::ToolCalls),
            ],
            "{framing:?}"
        );
    }
    let body = &fake.chat_bodies()[0];
    assert_eq!(body["tool_choice"], "auto");
    assert_eq!(
        body["tools"][0]["function"]["parameters"]["required"],
        json!(["n"])
    );
}

#[tokio::test]
async fn a_conversation_with_tool_results_is_accepted() {
    let fake = fake().await;
    fake.push(Reply::text("Booked."));
    let mut request = tool_request();
    request.messages.push(Message::Assistant {
        content: None,
        tool_calls: vec![ToolCall {
            id: "call_1".into(),
            name: "book".into(),
            arguments: r#"{"n":2}"#.into(),
        }],
    });
    request
        .messages
        .push(Message::tool_result("call_1", r#"{"ok":true}"#));
    let response = collect(client(&fake).stream(&request, CancellationToken::new()))
        .await
        .unwrap();
    assert_eq!(response.text, "Booked.");
    let sent = &fake.chat_bodies()[0]["messages"];
    assert_eq!(
        sent[2]["tool_calls"][0]["function"]["arguments"],
        r#"{"n":2}"#
    );
    assert_eq!(
        sent[3],
        json!({"role": "tool", "tool_call_id": "call_1", "content": r#"{"ok":true}"#})
    );
}

#[tokio::test]
async fn usage_in_every_chunk_or_x_groq_keeps_the_latest() {
    let fake = fake().await;
    fake.push(
        Reply::text("one two three")
            .usage(10, 3)
            .usage_mode(UsageMode::EveryChunk),
    );
    fake.push(
        Reply::text("one two")
            .usage(11, 2)
            .usage_mode(UsageMode::XGroq),
    );
    fake.push(Reply::text("none").usage_mode(UsageMode::Omitted));
    let chat = client(&fake);
    let usage = |r: switchboard_providers::llm::ChatResponse| {
        r.usage.map(|u| (u.input_tokens, u.output_tokens))
    };
    assert_eq!(
        usage(
            collect(chat.stream(&request(), CancellationToken::new()))
                .await
                .unwrap()
        ),
        Some((10, 3))
    );
    assert_eq!(
        usage(
            collect(chat.stream(&request(), CancellationToken::new()))
                .await
                .unwrap()
        ),
        Some((11, 2))
    );
    assert_eq!(
        usage(
            collect(chat.stream(&request(), CancellationToken::new()))
                .await
                .unwrap()
        ),
        None
    );
}

#[tokio::test]
async fn non_streaming_call_returns_text_tool_calls_and_usage() {
    let fake = fake().await;
    fake.push(Reply::text("A short summary.").usage(100, 4));
    fake.push(Reply::tool_call("call_9", "book", r#"{"n":4}"#));
    let chat = client(&fake);
    let response = chat
        .complete(&request(), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(response.text, "A short summary.");
    assert_eq!(response.finish, Some(FinishReason::Stop));
    assert_eq!(
        response.usage.map(|u| (u.input_tokens, u.output_tokens)),
        Some((100, 4))
    );
    let response = chat
        .complete(&tool_request(), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        response.tool_calls,
        vec![ToolCall {
            id: "call_9".into(),
            name: "book".into(),
            arguments: r#"{"n":4}"#.into()
        }]
    );
    assert_eq!(response.finish, Some(FinishReason::ToolCalls));
    let body = &fake.chat_bodies()[0];
    assert_eq!(body["stream"], false);
    assert!(
        body.get("stream_options").is_none(),
        "stream_options only with stream: true"
    );
}
