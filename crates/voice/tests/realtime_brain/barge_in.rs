use switchboard_testkit::fakes::realtime::Reply;
use switchboard_voice::records::Speaker;

use crate::harness::{MS, S2sCall, script, spec};
use crate::support::{Sent, speech};

const GREETING: &str = "Thanks for calling the Blue Door, we are open every day from noon \
                        until late, and we take bookings for up to ten people.";
const ANSWER: &str = "Of course, go ahead.";

#[tokio::test]
async fn talking_over_the_agent_cuts_it_and_the_model_remembers_only_what_was_heard() {
    let mut script = script();
    script.caller_said = vec!["Sorry, can I book for tonight?".into()];
    script.replies = vec![Reply::say(GREETING), Reply::say(ANSWER)];
    let mut spec = spec();
    spec.first_message = Some(GREETING.into());
    let mut s2s = S2sCall::start(script, spec).await;

    // About a second into the greeting (whose audio all arrived at once), the caller talks:
    // the fixture's speech starts 500 ms in.
    s2s.until_audio().await;
    tokio::time::sleep(500 * MS).await;
    s2s.say(&speech()[..1500 * 8]).await;
    s2s.until("the answer", |s| s.has_entry(Speaker::Agent, ANSWER))
        .await;
    s2s.call.stop().await;
    let report = s2s.call.finish().await;
    s2s.drain().await;

    assert_eq!(report.barge_ins.len(), 1, "{:?}", report.barge_ins);
    let heard_ms = report.barge_ins[0].played_ms;
    let greeting_ms = GREETING.len() as u64 * 20;
    assert!(
        heard_ms > 500 && heard_ms + 500 < greeting_ms,
        "heard {heard_ms} of {greeting_ms} ms"
    );
    assert!(s2s.call.sent().contains(&Sent::Clear));

    // The model's memory of the greeting ends where the caller stopped hearing it.
    let truncates = s2s.fake.client_events_of("conversation.item.truncate");
    assert_eq!(truncates.len(), 1, "{truncates:?}");
    assert_eq!(truncates[0]["audio_end_ms"], heard_ms);
    assert_eq!(truncates[0]["content_index"], 0);
    assert!(
        s2s.fake.client_events_of("response.cancel").is_empty(),
        "the server cancels its own response on speech"
    );

    // The transcript keeps the words heard, marked interrupted; then the caller and the answer.
    let transcript = s2s.transcript();
    let speakers: Vec<Speaker> = transcript.iter().map(|e| e.speaker).collect();
    assert_eq!(
        speakers,
        vec![Speaker::Agent, Speaker::Caller, Speaker::Agent]
    );
    let cut = &transcript[0];
    assert!(cut.interrupted);
    assert!(
        !cut.text.is_empty() && GREETING.starts_with(&cut.text),
        "{cut:?}"
    );
    assert!(cut.text.len() < GREETING.len(), "{cut:?}");
    assert_eq!(cut.end_ms - cut.start_ms, heard_ms);
    assert_eq!(transcript[1].text, "Sorry, can I book for tonight?");
    assert!(!transcript[2].interrupted);
    let barge_in = s2s.events("barge_in");
    assert_eq!(barge_in.len(), 1);
    assert!(
        barge_in[0]
            .data
            .contains(&format!("\"heard_ms\":{heard_ms}"))
    );
}
