use switchboard_testkit::fakes::realtime::{Reply, ScriptedCall};
use switchboard_voice::EndReason;
use switchboard_voice::conversation::BuiltinTool;
use switchboard_voice::records::Speaker;

use crate::harness::{S2sCall, audio_bytes, script, short_utterance, spec};

const GOODBYE: &str = "Done, you have five more minutes. Goodbye!";

#[tokio::test]
async fn a_tool_result_goes_back_to_the_model_and_end_call_hangs_up_after_the_goodbye() {
    let mut script = script();
    script.caller_said = vec!["Can I have more time? Then goodbye.".into()];
    script.replies = vec![
        Reply::call("extend_call", "{}"),
        Reply::Answer {
            text: GOODBYE.into(),
            function_call: Some(ScriptedCall {
                name: "end_call".into(),
                arguments: r#"{"reason":"caller is done"}"#.into(),
            }),
        },
    ];
    let mut spec = spec();
    spec.builtins = vec![BuiltinTool::EndCall, BuiltinTool::ExtendCall];
    spec.duration.max_extensions = 1;
    let mut s2s = S2sCall::start(script, spec).await;

    s2s.say(&short_utterance()).await;
    let report = s2s.call.finish().await;
    s2s.drain().await;

    assert_eq!(
        report.end_reason,
        EndReason::HungUp {
            reason: "agent ended the call: caller is done".into()
        }
    );
    // The whole goodbye played before the line was cut.
    assert_eq!(s2s.call.media_bytes().len(), audio_bytes(GOODBYE));
    assert!(s2s.has_entry(Speaker::Agent, GOODBYE));

    // extend_call: answered with the result, and the model asked to go on.
    let outputs = s2s.fake.client_events_of("conversation.item.create");
    assert_eq!(outputs.len(), 1, "end_call needs no answer: {outputs:?}");
    let item = &outputs[0]["item"];
    assert_eq!(item["type"], "function_call_output");
    assert!(item["call_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(item["output"], "The call was extended by 5 minutes.");
    assert_eq!(s2s.fake.client_events_of("response.create").len(), 1);
    assert_eq!(s2s.events("duration_extended").len(), 1);
    assert_eq!(s2s.events("end_call_requested").len(), 1);
    let tools: Vec<String> = s2s
        .events("tool_called")
        .iter()
        .map(|e| e.data.clone())
        .collect();
    assert_eq!(tools.len(), 2, "{tools:?}");
    assert!(tools[0].contains("extend_call") && tools[1].contains("end_call"));
}
