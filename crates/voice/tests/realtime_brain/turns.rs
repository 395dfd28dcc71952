use switchboard_testkit::fakes::realtime::Reply;
use switchboard_voice::EndReason;
use switchboard_voice::conversation::DEFAULT_INPUT_TRANSCRIPTION;
use switchboard_voice::records::{CallRecord, CostUnit, Speaker};

use crate::harness::{PRICES, S2sCall, audio_bytes, script, short_utterance, spec};

const GREETING: &str = "Hello, thanks for calling.";
const FIRST: &str = "Sure, what time?";
const SECOND: &str = "Booked for seven.";

#[tokio::test]
async fn a_greeting_and_two_turns_are_heard_and_recorded_in_order() {
    let mut script = script();
    script.caller_said = vec!["I'd like a table for two.".into(), "At seven.".into()];
    script.replies = vec![Reply::say(GREETING), Reply::say(FIRST), Reply::say(SECOND)];
    let mut spec = spec();
    spec.first_message = Some(GREETING.into());
    let mut s2s = S2sCall::start(script, spec.clone()).await;

    s2s.until("the greeting", |s| s.has_entry(Speaker::Agent, GREETING))
        .await;
    let utterance = short_utterance();
    s2s.say(&utterance).await;
    s2s.until("the first answer", |s| s.has_entry(Speaker::Agent, FIRST))
        .await;
    s2s.say(&utterance).await;
    s2s.until("the second answer", |s| s.has_entry(Speaker::Agent, SECOND))
        .await;
    s2s.call.stop().await;
    let report = s2s.call.finish().await;
    s2s.drain().await;
    assert_eq!(report.end_reason, EndReason::Stopped);

    // The session asked for what the spec says, in mu-law both ways.
    let update = &s2s.fake.client_events_of("session.update")[0]["session"];
    assert_eq!(update["instructions"], spec.system_prompt.as_str());
    assert_eq!(update["audio"]["input"]["format"]["type"], "audio/pcmu");
    assert_eq!(update["audio"]["output"]["format"]["type"], "audio/pcmu");
    assert_eq!(
        update["audio"]["input"]["transcription"]["model"],
        DEFAULT_INPUT_TRANSCRIPTION
    );
    assert_eq!(update["tools"][0]["name"], "end_call");
    let greeting = &s2s.fake.client_events_of("response.create")[0];
    let instructions = greeting["response"]["instructions"].as_str().unwrap();
    assert!(instructions.contains(GREETING), "{instructions}");

    // Every answer was played whole, untouched.
    let spoken = audio_bytes(GREETING) + audio_bytes(FIRST) + audio_bytes(SECOND);
    assert_eq!(s2s.call.media_bytes().len(), spoken);

    assert_eq!(
        s2s.said(),
        vec![
            (Speaker::Agent, GREETING.to_owned()),
            (Speaker::Caller, "I'd like a table for two.".to_owned()),
            (Speaker::Agent, FIRST.to_owned()),
            (Speaker::Caller, "At seven.".to_owned()),
            (Speaker::Agent, SECOND.to_owned()),
        ]
    );
    let transcript = s2s.transcript();
    assert!(transcript.iter().all(|e| !e.interrupted));
    for entry in &transcript {
        assert!(entry.start_ms < entry.end_ms, "{entry:?}");
    }
    // The caller's words sit before the answer to them on the call's clock.
    assert!(transcript[1].end_ms <= transcript[2].start_ms + 1000);

    // The answers (not the greeting) have their latency, stage by stage.
    let latencies: Vec<_> = s2s
        .seen
        .iter()
        .filter_map(|r| match r {
            CallRecord::Latency(latency) => Some(latency.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(latencies.len(), 2, "{latencies:?}");
    for latency in &latencies {
        let first_byte = latency
            .tts_first_byte_ms
            .expect("first audio from the model");
        let first_frame = latency.first_audio_ms.expect("first frame sent");
        assert!(first_byte <= first_frame, "{latency:?}");
        assert!(latency.speech_end_at_ms.is_some());
        assert_eq!(latency.stt_final_ms, None);
    }
    assert_eq!(
        latencies.iter().map(|l| l.turn).collect::<Vec<_>>(),
        vec![2, 3]
    );

    // Costs: tokens of every response, and the caller audio the model heard.
    let costs = s2s.costs();
    assert!(
        costs
            .iter()
            .all(|c| c.role == "s2s" && c.provider == "openai-realtime")
    );
    let units = |unit| -> u64 {
        costs
            .iter()
            .filter(|c| c.unit == unit)
            .map(|c| c.units)
            .sum()
    };
    // The fake: 1 output audio token per 50 ms and 1 text token per 4 characters.
    let output: u64 = [GREETING, FIRST, SECOND]
        .iter()
        .map(|t| (t.len() as u64 * 20) / 50 + (t.len() as u64).div_ceil(4))
        .sum();
    assert_eq!(units(CostUnit::OutputTokens), output);
    assert!(units(CostUnit::InputTokens) > 0);
    let heard_ms = 2 * (utterance.len() as u64 + 900 * 8) / 8;
    assert_eq!(units(CostUnit::AudioMs), heard_ms);
    let audio = costs.iter().find(|c| c.unit == CostUnit::AudioMs).unwrap();
    assert_eq!(audio.unit_price_micros, PRICES.stt_per_minute);
}
