//! How long a provider asks us to wait before trying again, from its response headers:
//! `retry-after-ms` (OpenAI), then `retry-after` as seconds or as an HTTP date (RFC 9110).

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::header::HeaderMap;

pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers, Timestamp::now())
}

fn retry_after_at(headers: &HeaderMap, now: Timestamp) -> Option<Duration> {
    let text = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    let value = text("retry-after")?;
    match value.parse::<f64>() {
        Ok(seconds) => Duration::try_from_secs_f64(seconds).ok(),
        Err(_) => {
            let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
            // A date already past means: now.
            Duration::try_from(at.duration_since(now).max(SignedDuration::ZERO)).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn milliseconds_then_seconds_then_an_http_date() {
        let now: Timestamp = "2026-11-21T18:00:00Z".parse().unwrap();
        let read = |pairs: &[(&'static str, &str)]| retry_after_at(&headers(pairs), now);
        assert_eq!(
            read(&[("retry-after-ms", "1500"), ("retry-after", "9")]),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            read(&[("retry-after", " 2.5 ")]),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(
            read(&[("retry-after", "Sat, 21 Nov 2026 18:00:30 GMT")]),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            read(&[("retry-after", "Sat, 21 Nov 2026 17:59:00 GMT")]),
            Some(Duration::ZERO),
            "a date in the past"
        );
        assert_eq!(read(&[("retry-after", "soon")]), None);
        assert_eq!(read(&[("retry-after", "-3")]), None);
        assert_eq!(read(&[]), None);
    }
}
