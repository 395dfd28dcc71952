//! What the real ElevenLabs refuses, checked before any audio is made.

use axum::http::HeaderMap;
use axum::response::Response;

use crate::fakes::tts::audio::AudioFormat;
use crate::fakes::tts::http::{elevenlabs_error, validation_error};
use crate::fakes::tts::shared::Shared;

/// The `xi-api-key` header: `Ok(true)` when present and right, `Ok(false)` when absent (a
/// WebSocket may carry the key in its first message instead), 401 when wrong.
pub(crate) fn header_key(shared: &Shared, headers: &HeaderMap) -> Result<bool, Box<Response>> {
    match headers
        .get("xi-api-key")
        .map(|v| v.to_str().unwrap_or_default())
    {
        None => Ok(false),
        Some(key) if key == shared.config.api_key => Ok(true),
        Some(_) => Err(Box::new(invalid_key())),
    }
}

pub(crate) fn invalid_key() -> Response {
    elevenlabs_error(401, "invalid_api_key", "Invalid API key")
}

pub(crate) fn voice(shared: &Shared, voice_id: &str) -> Result<(), Box<Response>> {
    if shared.config.voices.iter().any(|v| v == voice_id) {
        Ok(())
    } else {
        Err(Box::new(elevenlabs_error(
            400,
            "voice_not_found",
            &format!("A voice with the voice_id {voice_id} was not found."),
        )))
    }
}

/// The `output_format` query value; the real default is `mp3_44100_128`, which the fake
/// cannot encode, so the fake refuses a missing one.
pub(crate) fn output_format(value: Option<&String>) -> Result<AudioFormat, Box<Response>> {
    let name = value.map_or("mp3_44100_128", String::as_str);
    match AudioFormat::from_elevenlabs(name) {
        Ok(Some(format)) => Ok(format),
        Ok(None) => Err(Box::new(validation_error(
            &["query", "output_format"],
            &format!("the fake serves raw formats only, not {name}"),
        ))),
        Err(_) => Err(Box::new(validation_error(
            &["query", "output_format"],
            &format!("value is not a valid enumeration member: {name}"),
        ))),
    }
}
