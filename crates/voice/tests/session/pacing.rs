use std::time::Duration;

use switchboard_voice::SessionConfig;

use crate::session;
use crate::support::{Call, MS, Recorder, ScriptBrain, Sent, agent_audio};

#[tokio::test(start_paused = true)]
async fn agent_audio_is_paced_at_real_time_within_the_lead() {
    for lead_ms in [20u64, 60, 100] {
        let lead = Duration::from_millis(lead_ms);
        let config = SessionConfig {
            playback_lead: lead,
            ..SessionConfig::default()
        };
        let segments: Vec<Vec<u8>> = (0..4).map(|k| agent_audio(500, k * 50)).collect();
        let recorder = Recorder::default();
        let brain = ScriptBrain::spec(segments.clone(), false, &recorder);
        let mut call = Call::start(session(config, brain), true);
        call.connect().await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        call.stop().await;
        let report = call.finish().await;

        let records = call.records();
        let media: Vec<_> = records
            .iter()
            .filter(|r| matches!(r.sent, Sent::Media(_)))
            .collect();
        assert_eq!(media.len(), 100, "lead {lead_ms}");
        // Never more than the lead ahead of what the carrier has played.
        for r in &media {
            assert!(r.ahead <= lead, "lead {lead_ms}: {:?} ahead", r.ahead);
        }
        // A burst of one lead's worth, then one frame every 20 ms exactly.
        let burst = (lead_ms / 20) as usize;
        let t0 = media[0].at;
        for (i, r) in media.iter().enumerate() {
            let expected = t0 + MS * 20 * (i.saturating_sub(burst - 1) as u32);
            assert_eq!(r.at, expected, "lead {lead_ms}: frame {i}");
        }
        // All the audio, in order; a mark after each segment and at the end of the turn.
        assert_eq!(call.media_bytes(), segments.concat());
        let marks: Vec<_> = records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r.sent {
                Sent::Mark(name) => Some((i, name.clone())),
                _ => None,
            })
            .collect();
        let names: Vec<_> = marks.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["t1s0", "t1s1", "t1s2", "t1s3", "t1end"]);
        let media_before = |index: usize| {
            records[..index]
                .iter()
                .filter(|r| matches!(r.sent, Sent::Media(_)))
                .count()
        };
        let positions: Vec<_> = marks.iter().map(|(i, _)| media_before(*i)).collect();
        assert_eq!(positions, [25, 50, 75, 100, 100]);
        assert_eq!(report.frames_out, 100);
        assert_eq!(report.turns[0].sent_ms, 2000);
    }
}
