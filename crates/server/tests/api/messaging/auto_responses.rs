//! How a number answers texts by itself: a fixed template, or its inbound agent writing a
//! short reply from the thread so far.

use reqwest::StatusCode;
use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::fakes::llm::{FakeLlm, FakeLlmConfig, Reply};
use switchboard_testkit::fakes::twilio::FakeTwilio;

use super::support::*;
use crate::helpers::{expect_error, read, spawn_app_with};

const TEMPLATE: &str = "Thanks! We will call you back.";
const AGENT_REPLY: &str = "Sure thing. Brad will call you at five.";
const SECOND_AGENT_REPLY: &str = "Great, talk then.";
/// A texter outside the allowed destinations.
const ABROAD: &str = "+447700900123";

/// What we sent Alice through Twilio's REST API, in order.
fn sent_to_alice(fake: &FakeTwilio) -> Vec<String> {
    fake.messages()
        .into_iter()
        .filter(|m| m.direction == "outbound-api" && m.to == ALICE)
        .map(|m| m.body)
        .collect()
}

pub async fn a_number_answers_texts_with_its_template_or_its_agent(db: TestDatabase) {
    let fake = start_twilio().await;
    let llm = FakeLlm::start(FakeLlmConfig::openai(LLM_KEY))
        .await
        .unwrap();
    let app = spawn_app_with(db, |c| {
        c.carriers.insert("tw".into(), twilio_account(&fake));
        configure_llm(c, &llm);
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's shop").await;
    let number = import(&app, &ada, OURS, "tw").await;
    let number_id = number["id"].as_str().unwrap();
    assert_eq!(number["sms_auto_response"]["mode"], "off");

    expect_error(
        patch_number(
            &app,
            &ada,
            number_id,
            json!({"sms_auto_response": {"mode": "template"}}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    let (status, number) = read(
        patch_number(
            &app,
            &ada,
            number_id,
            json!({"sms_auto_response": {"mode": "template", "template": TEMPLATE}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    assert_eq!(
        number["sms_auto_response"],
        json!({"mode": "template", "template": TEMPLATE})
    );

    fake.inbound_sms(ALICE, OURS, "Can you call me?")
        .await
        .unwrap();
    let sent = eventually("the template reply", async || {
        let sent = sent_to_alice(&fake);
        (!sent.is_empty()).then_some(sent)
    })
    .await;
    assert_eq!(sent, [TEMPLATE]);

    // Replies go only where texts may go (`telephony.allowed_destinations`, here +1): a
    // text from abroad must not make us text abroad.
    fake.inbound_sms(ABROAD, OURS, "Can you call me?")
        .await
        .unwrap();
    quiet().await;
    let abroad: Vec<_> = fake
        .messages()
        .into_iter()
        .filter(|m| m.direction == "outbound-api" && m.to == ABROAD)
        .map(|m| m.body)
        .collect();
    assert!(abroad.is_empty(), "{abroad:?}");

    // Agent mode needs an agent to answer.
    expect_error(
        patch_number(
            &app,
            &ada,
            number_id,
            json!({"sms_auto_response": {"mode": "agent"}}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    let brad = persona(&app, &ada, "brad").await;
    let (status, number) = read(
        patch_number(
            &app,
            &ada,
            number_id,
            json!({"inbound_agent_id": brad, "sms_auto_response": {"mode": "agent"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    assert_eq!(number["sms_auto_response"]["mode"], "agent");

    llm.push(Reply::text(AGENT_REPLY));
    fake.inbound_sms(ALICE, OURS, "Five o'clock works?")
        .await
        .unwrap();
    let sent = eventually("the agent's reply", async || {
        let sent = sent_to_alice(&fake);
        (sent.len() == 2).then_some(sent)
    })
    .await;
    assert_eq!(sent[1], AGENT_REPLY);
    let requests = llm.chat_bodies();
    assert_eq!(requests.len(), 1);
    let prompt = &requests[0]["messages"];
    assert_eq!(prompt[0]["role"], "system");
    assert!(
        prompt[0]["content"].as_str().unwrap().contains("SMS"),
        "the agent knows it is texting: {prompt}"
    );
    let history: Vec<_> = prompt.as_array().unwrap()[1..]
        .iter()
        .map(|m| (m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        [
            ("user", "Can you call me?"),
            ("assistant", TEMPLATE),
            ("user", "Five o'clock works?"),
        ],
        "the agent sees the thread so far"
    );
    let messages = eventually("the agent's reply in the thread", async || {
        let threads = conversations(&app, &ada).await;
        let messages = bodies(&thread(&app, &ada, threads[0]["id"].as_str()?).await);
        (messages.len() == 4).then_some(messages)
    })
    .await;
    assert_eq!(messages[3], ("outbound".into(), AGENT_REPLY.into()));

    // "Yes" opts back in only someone who opted out; from anyone else it is an answer.
    llm.push(Reply::text(SECOND_AGENT_REPLY));
    fake.inbound_sms(ALICE, OURS, "Yes").await.unwrap();
    let sent = eventually("the agent's answer to yes", async || {
        let sent = sent_to_alice(&fake);
        (sent.len() == 3).then_some(sent)
    })
    .await;
    assert_eq!(sent[2], SECOND_AGENT_REPLY);

    // Off: texts are filed and nobody answers.
    let (status, _) = read(
        patch_number(
            &app,
            &ada,
            number_id,
            json!({"sms_auto_response": {"mode": "off"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    fake.inbound_sms(ALICE, OURS, "Hello?").await.unwrap();
    quiet().await;
    assert_eq!(sent_to_alice(&fake).len(), 3);
    assert_eq!(llm.chat_bodies().len(), 2);
}
