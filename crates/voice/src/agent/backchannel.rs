//! Whether caller speech heard while the agent talks is a backchannel ("mm-hmm", "yeah, I
//! see") that should not interrupt, or words that should.
//!
//! Text is compared after normalising: lower case, `’` as `'`, every other character that is
//! not a letter, digit or apostrophe a separator (so "Mm-hmm." is "mm hmm"), and any run of a
//! repeated letter squeezed to one (so "mmm", "mm" and "m" are alike, and "mmhmm" is "mhm").
//! Phrases are normalised the same way, so "mm hmm" in a policy matches all of "Mm-hmm",
//! "mmm hmmm" and "m-hm".

/// Phrases that count as backchannels, in [`BackchannelPolicy::default`].
const DEFAULT_PHRASES: [&str; 40] = [
    "mhm",
    "mm hmm",
    "mm",
    "hmm",
    "uh huh",
    "uh",
    "um",
    "er",
    "ah",
    "oh",
    "yeah",
    "yes",
    "yep",
    "yup",
    "ok",
    "okay",
    "alright",
    "all right",
    "right",
    "sure",
    "i see",
    "got it",
    "gotcha",
    "cool",
    "nice",
    "great",
    "wow",
    "really",
    "true",
    "exactly",
    "of course",
    "that's right",
    "sounds good",
    "i know",
    "go on",
    "totally",
    "absolutely",
    "perfect",
    "thanks",
    "thank you",
];

/// What is a backchannel, and how much else it takes to interrupt the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackchannelPolicy {
    /// Words or phrases that alone never interrupt; multi-word phrases match only as a whole.
    pub phrases: Vec<String>,
    /// Words other than backchannels that interrupt at once (default 2).
    pub min_words: u32,
}

impl Default for BackchannelPolicy {
    fn default() -> Self {
        BackchannelPolicy {
            phrases: DEFAULT_PHRASES.iter().map(|&p| p.to_owned()).collect(),
            min_words: 2,
        }
    }
}

impl BackchannelPolicy {
    /// Whether caller speech with this transcript, `speech_ms` long so far, interrupts the
    /// agent: at least [`min_words`](Self::min_words) words that are not backchannels, or any
    /// such word once the caller has spoken for `min_speech_ms`. Backchannels alone never
    /// interrupt, however long.
    pub fn should_interrupt(&self, text: &str, speech_ms: u64, min_speech_ms: u64) -> bool {
        match Interruption::classify(text, self) {
            Classification::Words(words) => words >= self.min_words || speech_ms >= min_speech_ms,
            Classification::Empty | Classification::Backchannel => false,
        }
    }
}

/// What a transcript of caller speech amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classification {
    /// No words at all (silence, noise, punctuation).
    Empty,
    /// Only backchannel phrases.
    Backchannel,
    /// This many words that are not part of a backchannel phrase (at least one).
    Words(u32),
}

/// Classifies caller speech heard while the agent talks.
#[derive(Debug, Clone, Copy)]
pub struct Interruption;

impl Interruption {
    /// Splits `text` into backchannel phrases and other words, covering as many words with
    /// phrases as possible, and counts the rest.
    pub fn classify(text: &str, policy: &BackchannelPolicy) -> Classification {
        let words = normalise(text);
        if words.is_empty() {
            return Classification::Empty;
        }
        let phrases: Vec<Vec<String>> = policy
            .phrases
            .iter()
            .map(|phrase| normalise(phrase))
            .filter(|phrase| !phrase.is_empty())
            .collect();
        // other[i]: the fewest words of words[i..] left uncovered by phrases.
        let mut other = vec![0u32; words.len() + 1];
        for i in (0..words.len()).rev() {
            other[i] = phrases
                .iter()
                .filter(|phrase| words[i..].starts_with(phrase))
                .map(|phrase| other[i + phrase.len()])
                .fold(other[i + 1] + 1, u32::min);
        }
        match other[0] {
            0 => Classification::Backchannel,
            n => Classification::Words(n),
        }
    }
}

/// The words of `text`, normalised as the module docs describe.
fn normalise(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = if c == '’' { '\'' } else { c };
        if c.is_alphanumeric() || c == '\'' {
            if !(c.is_alphabetic() && word.ends_with(c)) {
                word.push(c);
            }
        } else {
            end_word(&mut word, &mut words);
        }
    }
    end_word(&mut word, &mut words);
    words
}

fn end_word(word: &mut String, words: &mut Vec<String>) {
    let trimmed = word.trim_matches('\'');
    if !trimmed.is_empty() {
        words.push(trimmed.to_owned());
    }
    word.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(text: &str) -> Classification {
        Interruption::classify(text, &BackchannelPolicy::default())
    }

    #[test]
    fn spelling_and_punctuation_variants_of_backchannels() {
        for text in [
            "Mm-hmm.",
            "mhm,",
            "Mmhmm",
            "mmm hmmm",
            "Yeah, yeah.",
            "uh huh",
            "Uh-huh!",
            "okay okay",
            "OK.",
            "Yeahhh",
            "I see.",
            "Got it, thanks!",
            "Right, right, I see, that’s right.",
        ] {
            assert_eq!(classify(text), Classification::Backchannel, "{text}");
        }
    }

    #[test]
    fn nothing_but_noise_is_empty() {
        for text in ["", "   ", "...", "—", "?!"] {
            assert_eq!(classify(text), Classification::Empty, "{text:?}");
        }
    }

    #[test]
    fn other_words_are_counted_without_the_backchannels_around_them() {
        assert_eq!(classify("No."), Classification::Words(1));
        assert_eq!(classify("yeah but wait"), Classification::Words(2));
        assert_eq!(
            classify("Okay, actually, can you repeat that?"),
            Classification::Words(5)
        );
        assert_eq!(classify("I need a plumber"), Classification::Words(4));
    }

    #[test]
    fn phrases_match_only_as_a_whole() {
        // "see" alone is not a backchannel: only "i see" is.
        assert_eq!(classify("see"), Classification::Words(1));
        assert_eq!(classify("I see"), Classification::Backchannel);
        // "got" without "it".
        assert_eq!(classify("got a minute"), Classification::Words(3));
    }

    #[test]
    fn a_custom_policy_replaces_the_phrases() {
        let policy = BackchannelPolicy {
            phrases: vec!["d'accord".into(), "oui oui".into()],
            min_words: 1,
        };
        assert_eq!(
            Interruption::classify("D’accord, oui-oui.", &policy),
            Classification::Backchannel
        );
        assert_eq!(
            Interruption::classify("yeah", &policy),
            Classification::Words(1)
        );
        assert_eq!(
            Interruption::classify("oui", &policy),
            Classification::Words(1)
        );
    }

    #[test]
    fn interrupts_on_enough_words_or_long_enough_speech_with_a_real_word() {
        let policy = BackchannelPolicy::default();
        assert!(policy.should_interrupt("wait, stop", 100, 600));
        assert!(!policy.should_interrupt("stop", 100, 600));
        assert!(policy.should_interrupt("stop", 600, 600));
        assert!(policy.should_interrupt("yeah no", 900, 600));
        assert!(!policy.should_interrupt("yeah no", 599, 600));
    }

    #[test]
    fn backchannels_and_silence_never_interrupt_however_long() {
        let policy = BackchannelPolicy::default();
        assert!(!policy.should_interrupt("mm-hmm, yeah, right, I see", 10_000, 600));
        assert!(!policy.should_interrupt("", 10_000, 600));
        let eager = BackchannelPolicy {
            min_words: 0,
            ..BackchannelPolicy::default()
        };
        assert!(!eager.should_interrupt("uh huh", 0, 0));
    }
}
