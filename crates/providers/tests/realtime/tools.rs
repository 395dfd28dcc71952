//! Function calls: the model calls a tool, we answer, it goes on; and a greeting asked for
//! with `create_response`.

use std::time::Duration;

use serde_json::json;
use switchboard_providers::llm::ToolSpec;
use switchboard_providers::realtime::{OpenAiRealtime, RealtimeEvent, ResponseStatus};
use switchboard_testkit::fakes::realtime::{FakeRealtime, RealtimeScript, Reply};

use super::support;

#[tokio::test]
async fn a_function_call_round_trip() {
    let fake = FakeRealtime::start(RealtimeScript {
        replies: vec![
            Reply::say("Welcome to Luigi's."),
            Reply::call("book_table", r#"{"party":2}"#),
            Reply::say("Booked."),
        ],
        ..RealtimeScript::default()
    })
    .await
    .unwrap();
    let config = support::config(fake.url());
    let mut session = support::session(&config);
    session.tools = vec![ToolSpec {
        name: "book_table".into(),
        description: "Book a table".into(),
        parameters: json!({"type": "object", "properties": {"party": {"type": "integer"}}}),
    }];
    let stream = OpenAiRealtime::new(config).connect(session).await.unwrap();
    let (input, mut output) = stream.split();
    let limit = Duration::from_secs(5);

    input
        .create_response(Some("Greet the caller."))
        .await
        .unwrap();
    let greeting = support::until(&mut output, limit, support::is_response_done).await;
    assert_eq!(
        support::audio_of(&greeting).len(),
        "Welcome to Luigi's.".len() * 60 * 8
    );

    input.create_response(None).await.unwrap();
    let calling = support::until(&mut output, limit, support::is_response_done).await;
    let calls: Vec<(&str, &str, &str)> = calling
        .iter()
        .filter_map(|e| match e {
            RealtimeEvent::FunctionCall {
                call_id,
                name,
                arguments,
            } => Some((call_id.as_str(), name.as_str(), arguments.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        calls.len(),
        1,
        "reported once, though announced twice: {calling:?}"
    );
    let (call_id, name, arguments) = calls[0];
    assert_eq!((name, arguments), ("book_table", r#"{"party":2}"#));
    assert!(support::audio_of(&calling).is_empty());

    input
        .send_tool_result(call_id, r#"{"ok":true}"#)
        .await
        .unwrap();
    let after = support::until(&mut output, limit, support::is_response_done).await;
    assert_eq!(support::audio_of(&after).len(), "Booked.".len() * 60 * 8);
    assert!(matches!(
        after.last(),
        Some(RealtimeEvent::ResponseDone {
            status: ResponseStatus::Completed,
            ..
        })
    ));

    let update = &fake.client_events_of("session.update")[0]["session"];
    assert_eq!(update["tools"][0]["name"], "book_table");
    assert_eq!(update["tools"][0]["type"], "function");
    let creates = fake.client_events_of("response.create");
    assert_eq!(creates.len(), 3);
    assert_eq!(creates[0]["response"]["instructions"], "Greet the caller.");
    let outputs = fake.client_events_of("conversation.item.create");
    assert_eq!(
        outputs[0]["item"],
        json!({"type": "function_call_output", "call_id": call_id, "output": "{\"ok\":true}"})
    );
}
