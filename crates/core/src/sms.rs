//! SMS rules that hold at every carrier: the opt-out keywords people text, and splitting a
//! long text into the pieces a carrier accepts.

/// What a whole inbound text means, when it is one of the standard keywords. Only a message
/// that is exactly the keyword counts ("STOP please" is an ordinary message), in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT: no more texts to this sender.
    Stop,
    /// START, UNSTOP, YES: texts may resume.
    Start,
    /// HELP, INFO: answer with the tenant's help text.
    Help,
}

impl Keyword {
    pub fn of(body: &str) -> Option<Self> {
        let word = body.trim().to_ascii_uppercase();
        match word.as_str() {
            "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" => Some(Keyword::Stop),
            "START" | "UNSTOP" | "YES" => Some(Keyword::Start),
            "HELP" | "INFO" => Some(Keyword::Help),
            _ => None,
        }
    }
}

/// Splits `text` into pieces of at most `limit` characters, breaking after whitespace where
/// one is near so words stay whole. Every character is kept; an empty text is one empty piece.
pub fn split_text(text: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(1);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= limit {
        return vec![text.to_owned()];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + limit).min(chars.len());
        if end < chars.len() {
            // Break after the last whitespace in the window's second half, if there is one.
            if let Some(space) = (start + limit / 2..end)
                .rev()
                .find(|&i| chars[i].is_whitespace())
            {
                end = space + 1;
            }
        }
        pieces.push(chars[start..end].iter().collect());
        start = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_whole_messages_in_any_case() {
        assert_eq!(Keyword::of(" stop "), Some(Keyword::Stop));
        assert_eq!(Keyword::of("Unsubscribe"), Some(Keyword::Stop));
        assert_eq!(Keyword::of("QUIT"), Some(Keyword::Stop));
        assert_eq!(Keyword::of("unstop"), Some(Keyword::Start));
        assert_eq!(Keyword::of("help"), Some(Keyword::Help));
        assert_eq!(Keyword::of("stop please"), None);
        assert_eq!(Keyword::of("hello"), None);
    }

    #[test]
    fn long_texts_split_at_word_boundaries_within_the_limit() {
        let text = "word ".repeat(100);
        let pieces = split_text(&text, 160);
        assert!(pieces.len() >= 4);
        assert!(pieces.iter().all(|p| p.chars().count() <= 160));
        assert_eq!(pieces.concat(), text);
        assert!(pieces[..pieces.len() - 1].iter().all(|p| p.ends_with(' ')));
    }

    #[test]
    fn a_text_without_spaces_is_cut_at_the_limit_and_characters_are_not_split() {
        let text = "é".repeat(350);
        let pieces = split_text(&text, 160);
        assert_eq!(
            pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            [160, 160, 30]
        );
        assert_eq!(split_text("short", 160), ["short"]);
    }
}
